package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One part of the configuration every director runs (`kubectl get lvspart`), written by the
 * operator. Cluster-scoped, named {@code lvs-INDEX} ({@link SharedConfig#partName}).
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Plural("directorconfigparts")
@ShortNames("lvspart")
@AdditionalPrinterColumn(name = "INDEX", jsonPath = ".spec.index", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "REVISION", jsonPath = ".spec.revision", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DirectorConfigPart extends CustomResource<ConfigPartSpec, Void> {}
