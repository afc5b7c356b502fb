package io.lvsoperator.dataplane.testsupport;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.lvsoperator.api.v1alpha1.Director;
import io.lvsoperator.api.v1alpha1.DirectorConfig;
import io.lvsoperator.api.v1alpha1.DirectorConfigPart;
import io.lvsoperator.api.v1alpha1.VipPool;
import io.lvsoperator.api.v1alpha1.VirtualService;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/**
 * A Kubernetes API for the end-to-end test and the local lab: fabric8's mock server in CRUD mode
 * on an address of a lab namespace, knowing our custom resources, plus the discovery documents
 * kubectl needs. Runs until SIGTERM.
 * Usage: MockApiServerMain ADDRESS PORT
 */
public final class MockApiServerMain {
  private MockApiServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MockApiServerMain ADDRESS PORT");
      System.exit(2);
    }
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(expectations,
        List.of(CustomResourceDefinitionContext.fromCustomResourceType(VirtualService.class),
            CustomResourceDefinitionContext.fromCustomResourceType(Director.class),
            CustomResourceDefinitionContext.fromCustomResourceType(DirectorConfig.class),
            CustomResourceDefinitionContext.fromCustomResourceType(DirectorConfigPart.class),
            CustomResourceDefinitionContext.fromCustomResourceType(VipPool.class)));
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
        dispatcher, false);
    server.init(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    KubectlDiscovery.forLab(VirtualService.class, Director.class, DirectorConfig.class, DirectorConfigPart.class,
        VipPool.class)
        .registerOn(server);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.destroy();
      stopped.countDown();
    }));
    System.out.println("api server listening on " + args[0] + ":" + args[1]);
    stopped.await();
  }
}
