package io.lvsoperator.dataplane.testsupport;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.VirtualService;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A Kubernetes API for the end-to-end test: fabric8's mock server in CRUD mode on an address of
 * a lab namespace, knowing our custom resources. Runs until SIGTERM.
 * Usage: MockApiServerMain ADDRESS PORT
 */
public final class MockApiServerMain {
  private MockApiServerMain() {}

  public static void main(String[] args) throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(VirtualService.class));
    server.expectCustomResource(CustomResourceDefinitionContext.fromCustomResourceType(Director.class));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.destroy();
      stopped.countDown();
    }));
    System.out.println("api server listening on " + args[0] + ":" + args[1]);
    stopped.await();
  }
}
