package io.lvsoperator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The head of the configuration every director runs (`kubectl get lvsconf`), written by the
 * operator; its services are in {@link DirectorConfigPart} objects. Cluster-scoped, one per
 * operator, named {@link SharedConfig#HEAD}.
 */
@Group(VirtualService.GROUP)
@Version(VirtualService.VERSION)
@Plural("directorconfigs")
@ShortNames("lvsconf")
@AdditionalPrinterColumn(name = "GENERATION", jsonPath = ".spec.generation", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "INTERFACE", jsonPath = ".spec.interface", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DirectorConfig extends CustomResource<DirectorConfigSpec, Void> {}
