package io.lvsoperator.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.lvsoperator.api.v1alpha1.DirectorSpec;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.Protocol;
import io.lvsoperator.api.v1alpha1.VirtualService;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectorPlannerTest {
  static AcceptedService natVia(String name, String vip, String gateway) {
    AcceptedService s = svc(name, vip, ForwardingMode.NAT, null);
    s.resource().getSpec().setNatGateway(gateway);
    return s;
  }

  static AcceptedService svc(String name, String vip, ForwardingMode mode, Integer targetPort, Backend... backends) {
    VirtualServiceSpec spec = new VirtualServiceSpec();
    spec.setVip(vip);
    spec.setMode(mode);
    spec.setPorts(List.of(new PortSpec(80, Protocol.TCP, targetPort)));
    VirtualService vs = new VirtualService();
    vs.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
    vs.setSpec(spec);
    return new AcceptedService(vs, List.of(backends));
  }

  static final List<DirectorNode> THREE = List.of(new DirectorNode("a", true), new DirectorNode("b", true),
      new DirectorNode("c", true));

  @Test
  void everyDirectorGetsEveryServiceAndEachVipExactlyOneOwner() {
    List<AcceptedService> s = List.of(svc("x", "198.18.0.1", ForwardingMode.DR, null),
        svc("y", "198.18.0.2", ForwardingMode.DR, null), svc("z", "198.18.0.3", ForwardingMode.DR, null));
    DirectorPlanner.Plan plan = DirectorPlanner.plan(s, THREE, Map.of(), "eth0");
    assertThat(plan.specs()).hasSize(3);
    plan.specs().values().forEach(d -> assertThat(d.services()).hasSize(3));
    // new VIPs spread evenly
    assertThat(plan.specs().values()).allSatisfy(d -> assertThat(d.vips()).hasSize(1));
    assertThat(plan.owners()).hasSize(3);
  }

  @Test
  void assignmentsStayWhileTheirDirectorIsReadyAndMoveWhenItIsNot() {
    List<AcceptedService> s = List.of(svc("x", "198.18.0.1", ForwardingMode.DR, null),
        svc("y", "198.18.0.2", ForwardingMode.DR, null));
    Map<String, String> current = Map.of("198.18.0.1", "c", "198.18.0.2", "c");
    assertThat(DirectorPlanner.plan(s, THREE, current, "eth0").owners()).containsEntry("198.18.0.1", "c")
        .containsEntry("198.18.0.2", "c");
    List<DirectorNode> cDown = List.of(new DirectorNode("a", true), new DirectorNode("b", true),
        new DirectorNode("c", false));
    DirectorPlanner.Plan plan = DirectorPlanner.plan(s, cDown, current, "eth0");
    assertThat(plan.owners().values()).containsExactlyInAnyOrder("a", "b");
    assertThat(plan.specs().get("c").vips()).isEmpty();
    assertThat(plan.specs().get("c").services()).hasSize(2);
  }

  @Test
  void noReadyDirectorMeansNoOwner() {
    DirectorPlanner.Plan plan = DirectorPlanner.plan(List.of(svc("x", "198.18.0.1", ForwardingMode.DR, null)),
        List.of(new DirectorNode("a", false)), Map.of(), "eth0");
    assertThat(plan.owners()).isEmpty();
    assertThat(plan.specs().get("a").vips()).isEmpty();
  }

  @Test
  void natUsesTheTargetPortOrTheEndpointPortWhileDrKeepsTheVipPort() {
    Backend b = new Backend("10.0.0.5", 8080, 1, Backend.READY);
    DirectorSpec spec = DirectorPlanner.plan(List.of(svc("n", "198.18.0.1", ForwardingMode.NAT, null, b),
        svc("t", "198.18.0.2", ForwardingMode.NAT, 9090, b), svc("d", "198.18.0.3", ForwardingMode.DR, null, b)),
        List.of(new DirectorNode("a", true)), Map.of(), "eth0").specs().get("a");
    assertThat(spec.services()).extracting(s -> s.name() + " " + s.realServers().get(0).portOr(s.port()))
        .containsExactly("default/d 80", "default/n 8080", "default/t 9090");
  }

  @Test
  void theSameInputGivesTheSamePlan() {
    List<AcceptedService> s = List.of(svc("y", "198.18.0.2", ForwardingMode.DR, null),
        svc("x", "198.18.0.1", ForwardingMode.DR, null));
    assertThat(DirectorPlanner.plan(s, THREE, Map.of(), "eth0"))
        .isEqualTo(DirectorPlanner.plan(List.of(s.get(1), s.get(0)), THREE, Map.of(), "eth0"));
  }

  @Test
  void natVipsSharingAGatewayAreAnnouncedWithItByOneDirector() {
    List<AcceptedService> s = List.of(natVia("n1", "198.18.0.1", "198.18.0.254"),
        natVia("n2", "198.18.0.2", "198.18.0.254"), svc("d", "198.18.0.3", ForwardingMode.DR, null));
    DirectorPlanner.Plan plan = DirectorPlanner.plan(s, THREE, Map.of(), "eth0");
    String owner = plan.owners().get("198.18.0.254");
    assertThat(plan.specs().get(owner).vips()).containsExactly("198.18.0.1", "198.18.0.2", "198.18.0.254");
    assertThat(plan.owners().get("198.18.0.3")).isNotEqualTo(owner);
    // the group moves whole when its director goes, and stays where it is otherwise
    Map<String, String> current = Map.of("198.18.0.1", "c", "198.18.0.2", "c", "198.18.0.254", "c");
    assertThat(DirectorPlanner.plan(s, THREE, current, "eth0").specs().get("c").vips())
        .containsExactly("198.18.0.1", "198.18.0.2", "198.18.0.254");
    List<DirectorNode> cDown = List.of(new DirectorNode("a", true), new DirectorNode("b", true),
        new DirectorNode("c", false));
    Map<String, String> moved = DirectorPlanner.plan(s, cDown, current, "eth0").owners();
    assertThat(moved.get("198.18.0.1")).isIn("a", "b").isEqualTo(moved.get("198.18.0.2"))
        .isEqualTo(moved.get("198.18.0.254"));
  }

  @Test
  void aGatewayJoinsItsVipToTheDirectorAlreadyAnnouncingTheGateway() {
    // n1 is on b with the gateway; n2 (new, same gateway) must join b, not the least-loaded a
    List<AcceptedService> s = List.of(natVia("n1", "198.18.0.1", "198.18.0.254"),
        natVia("n2", "198.18.0.9", "198.18.0.254"));
    Map<String, String> current = Map.of("198.18.0.1", "b", "198.18.0.254", "b");
    assertThat(DirectorPlanner.plan(s, THREE, current, "eth0").owners()).containsEntry("198.18.0.9", "b");
  }
}
