package io.dicombq.gcs;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one Cloud Storage client ({@code gcsStorage} bean) used by the watched bucket and by
 * {@code :import}: from a service-account key file when {@code dicom.gcs.credentials-file} is set,
 * else from Application Default Credentials.
 */
public final class GcsStorageFactory {
    private static final Logger LOG = LoggerFactory.getLogger(GcsStorageFactory.class);

    /** Registry name of the client; tests bind a LocalStorageHelper client under it. */
    public static final String BEAN = "gcsStorage";

    private GcsStorageFactory() {
    }

    /**
     * The client bound as {@value #BEAN}, looked up when needed rather than captured when the beans
     * are built, so that the bean can be replaced (tests do) whatever the order beans are created in.
     */
    public static Storage lookup(CamelContext context) {
        return CamelContextHelper.mandatoryLookup(context, BEAN, Storage.class);
    }

    public static Storage create(String credentialsFile) {
        StorageOptions.Builder options = StorageOptions.newBuilder();
        if (credentialsFile != null && !credentialsFile.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(credentialsFile))) {
                options.setCredentials(GoogleCredentials.fromStream(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dicom.gcs.credentials-file " + credentialsFile, e);
            }
            LOG.info("Cloud Storage client uses the key file {}", credentialsFile);
        } else {
            // No key file: the client finds Application Default Credentials itself; when there are
            // none it is built without credentials and only calls to Cloud Storage fail, so a set-up
            // that does not use Cloud Storage still starts.
            LOG.debug("Cloud Storage client uses Application Default Credentials");
        }
        return options.build().getService();
    }
}
