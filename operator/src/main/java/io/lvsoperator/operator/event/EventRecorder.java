package io.lvsoperator.operator.event;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events about a resource (kubectl describe shows them). */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void warning(HasMetadata about, Reason reason, String message) {
    record(about, "Warning", reason, message);
  }

  public void normal(HasMetadata about, Reason reason, String message) {
    record(about, "Normal", reason, message);
  }

  private void record(HasMetadata about, String type, Reason reason, String message) {
    String ns = about.getMetadata().getNamespace();
    String now = Instant.now().toString();
    try {
      client.v1().events().inNamespace(ns).resource(new EventBuilder()
          .withNewMetadata().withNamespace(ns)
          .withName(about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
              .withKind(about.getKind()).withName(about.getMetadata().getName()).withNamespace(ns)
              .withUid(about.getMetadata().getUid()).build())
          .withType(type).withReason(reason.name()).withMessage(message)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent("lvs-operator").endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      // an Event is a courtesy: never fail a reconcile for it
      LOG.warn("virtualservice {}/{}: event {} not recorded: {}", ns, about.getMetadata().getName(), reason,
          e.getMessage());
    }
  }
}
