package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A load-balanced virtual service: what users apply (`kubectl get lvs`). */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Plural("virtualservices") // fabric8 would pluralize the kind again for every object it builds
@ShortNames("lvs")
@AdditionalPrinterColumn(name = "VIP", jsonPath = ".status.vip", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PORTS", jsonPath = ".status.ports", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "MODE", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "SCHEDULER", jsonPath = ".spec.scheduler", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "DIRECTOR", jsonPath = ".status.director", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class VirtualService extends CustomResource<VirtualServiceSpec, VirtualServiceStatus> implements Namespaced {
  public static final String GROUP = "lvsoperator.io";
  public static final String VERSION = "v1alpha1";
}
