package io.lvsoperator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every custom resource is known to fabric8's decoder by kind (META-INF/services): a watch event
 * decodes straight into the typed object. Unknown, it decodes into a generic resource that every
 * informer converts again, a second decode of each event (docs/architecture.md, "The shared
 * configuration").
 */
class ResourceTypesTest {
  static List<Class<? extends HasMetadata>> resources() {
    return List.of(VirtualService.class, VipPool.class, Director.class, DirectorConfig.class,
        DirectorConfigPart.class);
  }

  @ParameterizedTest
  @MethodSource("resources")
  void aWatchEventDecodesIntoTheTypedResource(Class<? extends HasMetadata> type) {
    String json = "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"" + HasMetadata.getApiVersion(type)
        + "\",\"kind\":\"" + HasMetadata.getKind(type) + "\",\"metadata\":{\"name\":\"x\"}}}";

    WatchEvent event = new KubernetesSerialization().unmarshal(json, WatchEvent.class);

    assertThat(event.getObject()).isInstanceOf(type);
  }

  @ParameterizedTest
  @MethodSource("resources")
  void thePluralIsTheOneTheCrdIsNamedFor(Class<? extends HasMetadata> type) {
    assertThat(HasMetadata.getPlural(type)).isEqualTo(HasMetadata.getKind(type).toLowerCase() + "s");
  }
}
