package io.dicombq.gcs;

import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.Tuple;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.cloud.storage.spi.StorageRpcFactory;
import com.google.cloud.storage.spi.v1.StorageRpc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * LocalStorageHelper's in-memory Cloud Storage, listing the way the real service does: objects in
 * name order, at most {@code maxResults} per page, and a {@code nextPageToken} to continue from.
 * LocalStorageHelper's own fake cuts a list at {@code maxResults} but never returns a token (and lists in
 * hash order), so on it any paging code only ever sees the first page.
 * <p>
 * The paging sits at the RPC level, below the real client: {@code Storage.list}, {@code Page.getNextPage}
 * and {@code BlobListOption.pageToken} all go through google-cloud-storage's own code.
 */
final class PagingStorage {
    /** One list call as the service saw it: which token it continued from, and what it answered. */
    record ListCall(String bucket, String pageToken, List<String> names, String nextPageToken) {
    }

    final Storage storage;
    final List<ListCall> listCalls = new CopyOnWriteArrayList<>();
    private final StorageRpc fake;

    PagingStorage() {
        this.fake = (StorageRpc) LocalStorageHelper.customOptions(false).getRpc();
        StorageRpc paging = (StorageRpc) Proxy.newProxyInstance(StorageRpc.class.getClassLoader(),
                new Class<?>[] {StorageRpc.class}, (proxy, method, args) -> {
                    if (isObjectList(method)) {
                        return list((String) args[0], (Map<?, ?>) args[1]);
                    }
                    try {
                        return method.invoke(fake, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        this.storage = StorageOptions.newBuilder()
                .setProjectId("fake-project-for-testing")
                .setServiceRpcFactory((StorageRpcFactory) options -> paging)
                .build()
                .getService();
    }

    /** List calls that continued from a token, i.e. pages after the first. */
    long continuedListCalls() {
        return listCalls.stream().filter(c -> c.pageToken() != null).count();
    }

    private static boolean isObjectList(Method method) {
        return method.getName().equals("list") && method.getParameterCount() == 2
                && method.getParameterTypes()[0] == String.class;
    }

    /** The token is the last name of the page: the next page starts after it, as names sort. */
    private Tuple<String, Iterable<StorageObject>> list(String bucket, Map<?, ?> options) {
        Map<StorageRpc.Option, Object> rest = new EnumMap<>(StorageRpc.Option.class);
        Number maxResults = null;
        String token = null;
        for (Map.Entry<?, ?> e : options.entrySet()) {
            StorageRpc.Option option = (StorageRpc.Option) e.getKey();
            if (option == StorageRpc.Option.MAX_RESULTS) {
                maxResults = (Number) e.getValue();
            } else if (option == StorageRpc.Option.PAGE_TOKEN) {
                token = (String) e.getValue();
            } else {
                rest.put(option, e.getValue());
            }
        }
        List<StorageObject> all = new ArrayList<>();
        fake.list(bucket, rest).y().forEach(all::add);
        all.sort(Comparator.comparing(StorageObject::getName));
        String after = token;
        List<StorageObject> remaining = after == null ? all
                : all.stream().filter(o -> o.getName().compareTo(after) > 0).toList();
        int size = maxResults == null ? 1000 : maxResults.intValue();
        List<StorageObject> page = remaining.subList(0, Math.min(size, remaining.size()));
        String next = remaining.size() > page.size() ? page.get(page.size() - 1).getName() : null;
        listCalls.add(new ListCall(bucket, token, page.stream().map(StorageObject::getName).toList(), next));
        return Tuple.of(next, new ArrayList<>(page));
    }
}
