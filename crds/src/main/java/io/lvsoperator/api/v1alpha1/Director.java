package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One director node: the spec is that node's dataplane configuration (written by the operator),
 * the status what its dataplane applied (written by the dataplane). Cluster-scoped, named after
 * the node (`kubectl get lvsdir`).
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@ShortNames("lvsdir")
@AdditionalPrinterColumn(name = "NODE", jsonPath = ".metadata.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "VIPS", jsonPath = ".spec.vips", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "GENERATION", jsonPath = ".spec.generation", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "APPLIED", jsonPath = ".status.appliedGeneration", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Director extends CustomResource<DirectorSpec, DirectorStatus> {}
