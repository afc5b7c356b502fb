package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One director node, named after it (`kubectl get lvsdir`): the status is what its dataplane
 * applied of the shared configuration and how it fares, written by the dataplane (which creates
 * the object). The spec is the previous contract's whole per-node configuration, written by the
 * operator only for dataplanes of the previous version during a rolling upgrade.
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Plural("directors")
@ShortNames("lvsdir")
@AdditionalPrinterColumn(name = "APPLIED", jsonPath = ".status.appliedGeneration", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "MAC", jsonPath = ".status.mac", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Director extends CustomResource<DirectorSpec, DirectorStatus> {}
