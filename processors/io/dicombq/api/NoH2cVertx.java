package io.dicombq.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The Vert.x instance the HTTP server runs on, with HTTP/2 cleartext upgrades ({@code Upgrade: h2c})
 * turned off. Vert.x buffers the whole body of an upgrade request before it switches protocols, so
 * one STOW-RS upload from a client that asks for h2c (Java's HttpClient does by default) would fill
 * the heap; over HTTP/1.1 the body streams. Camel's platform-http takes a {@code Vertx} from the
 * registry but offers no setting for the server's options, hence this thin wrapper around
 * {@code createHttpServer}, which also sets the body chunk size ({@link #MAX_CHUNK_SIZE}). The real
 * instance is made on first use, so a bean the YAML loader makes and throws away costs nothing.
 */
public final class NoH2cVertx implements InvocationHandler {
    /**
     * Body chunks of up to 64 KiB instead of Vert.x's 8 KiB: an upload is handed from the event loop
     * to the reading thread chunk by chunk, so larger chunks mean fewer hand-offs
     * (see {@link RequestBodyStream}).
     */
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private Vertx real;

    private NoH2cVertx() {
    }

    public static Vertx create() {
        return (Vertx) Proxy.newProxyInstance(NoH2cVertx.class.getClassLoader(),
                new Class<?>[] {VertxInternal.class}, new NoH2cVertx());
    }

    private synchronized Vertx real() {
        if (real == null) {
            real = Vertx.vertx();
        }
        return real;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        int arity = args == null ? 0 : args.length;
        switch (method.getName()) {
            case "hashCode":
                if (arity == 0) {
                    return System.identityHashCode(proxy);
                }
                break;
            case "equals":
                if (arity == 1) {
                    return proxy == args[0];
                }
                break;
            case "toString":
                if (arity == 0) {
                    return "Vert.x without h2c upgrades";
                }
                break;
            case "close":
                synchronized (this) {
                    if (arity == 0 && real == null) {
                        return Future.succeededFuture();
                    }
                }
                break;
            case "createHttpServer":
                if (arity == 1 && args[0] instanceof HttpServerOptions options) {
                    args = new Object[] {new HttpServerOptions(options).setHttp2ClearTextEnabled(false)
                            .setMaxChunkSize(MAX_CHUNK_SIZE)};
                }
                break;
            default:
                break;
        }
        try {
            return method.invoke(real(), args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
