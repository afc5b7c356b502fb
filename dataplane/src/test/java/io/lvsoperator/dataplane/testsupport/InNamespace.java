package io.lvsoperator.dataplane.testsupport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One thread of this JVM moved into a network namespace (setns(2) acts on the calling thread only):
 * sockets it opens belong to that namespace, wherever they are used afterwards. Lets a test drive
 * a packet port in-process on links that exist only inside its namespaces.
 */
public final class InNamespace implements AutoCloseable {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY_CLOEXEC = 0x80000;

  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int setns(int fd, int type) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private final ExecutorService thread;

  /** @param namespace a name as {@code ip netns} knows it (a file under /var/run/netns) */
  public InNamespace(String namespace) throws Exception {
    thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "in-" + namespace));
    call(() -> {
      int fd = open("/var/run/netns/" + namespace, O_RDONLY_CLOEXEC);
      try {
        setns(fd, CLONE_NEWNET);
      } finally {
        close(fd);
      }
      return null;
    });
  }

  /** Runs {@code work} on the thread inside the namespace, bounded in time. */
  public <T> T call(Callable<T> work) throws Exception {
    try {
      return thread.submit(work).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer from the thread in the namespace within 30 s", e);
    }
  }

  @Override
  public void close() {
    // the thread dies with its executor; no other thread ever entered the namespace
    thread.shutdownNow();
  }
}
