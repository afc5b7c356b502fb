package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Addresses a cluster administrator hands out as VIPs (`kubectl get vippool`): which namespaces
 * may use them and whether the operator assigns them on its own. Cluster-scoped, as MetalLB's
 * IPAddressPool is namespaced only to its operator: tenants cannot create or widen one.
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Plural("vippools")
@ShortNames("vippool")
@AdditionalPrinterColumn(name = "ADDRESSES", jsonPath = ".spec.addresses", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AUTO", jsonPath = ".spec.autoAssign", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "ASSIGNED", jsonPath = ".status.assigned", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AVAILABLE", jsonPath = ".status.available", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "ACCEPTED", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class VipPool extends CustomResource<VipPoolSpec, VipPoolStatus> {}
