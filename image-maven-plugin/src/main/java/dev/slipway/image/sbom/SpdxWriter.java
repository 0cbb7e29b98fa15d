package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;

/**
 * Writes the same content as the CycloneDX document as an SPDX 2.3 JSON document: one package per component
 * (the image and its platforms as {@code CONTAINER}), purls as {@code PACKAGE-MANAGER purl} external references,
 * SHA-256 checksums, declared licenses as SPDX expressions (several POM licenses are a choice, joined with
 * {@code OR}; a Debian package's licenses all apply, joined with {@code AND}; names that are no SPDX id become
 * {@code LicenseRef-} entries), {@code CONTAINS} from images to
 * what they hold and {@code DEPENDS_ON} along the Maven dependency graph.
 */
public final class SpdxWriter {

  public ObjectNode write(Bom bom, Instant created, String toolVersion) {
    ObjectNode doc = Json.mapper().createObjectNode();
    Component image = bom.getMetadata().getComponent();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", image.getName() + "@" + image.getVersion());
    doc.put("documentNamespace", "https://slipway.dev/spdx/" + sanitize(image.getName()) + "/"
        + bom.getSerialNumber().substring("urn:uuid:".length()));
    ObjectNode creation = doc.putObject("creationInfo");
    creation.put("created", created.truncatedTo(ChronoUnit.SECONDS).toString());
    creation.putArray("creators").add("Tool: slipway-image-maven-plugin-" + toolVersion);

    Map<String, String> ids = new LinkedHashMap<>();
    Map<String, Component> byRef = new LinkedHashMap<>();
    List<Component> all = new ArrayList<>();
    all.add(image);
    if (image.getComponents() != null) {
      all.addAll(image.getComponents());
    }
    if (bom.getComponents() != null) {
      all.addAll(bom.getComponents());
    }
    int n = 0;
    for (Component c : all) {
      ids.put(c.getBomRef(), "SPDXRef-" + (n++) + "-" + sanitize(c.getName()));
      byRef.put(c.getBomRef(), c);
    }
    doc.putArray("documentDescribes").add(ids.get(image.getBomRef()));

    ArrayNode packages = doc.putArray("packages");
    Map<String, String> extracted = new TreeMap<>();
    for (Component c : all) {
      ObjectNode p = packages.addObject();
      p.put("name", c.getGroup() == null ? c.getName() : c.getGroup() + ":" + c.getName());
      p.put("SPDXID", ids.get(c.getBomRef()));
      if (c.getVersion() != null) {
        p.put("versionInfo", c.getVersion());
      }
      if (c.getSupplier() != null && c.getSupplier().getName() != null) {
        p.put("supplier", "Organization: " + c.getSupplier().getName().replace('\n', ' '));
      }
      p.put("downloadLocation", "NOASSERTION");
      p.put("filesAnalyzed", false);
      if (c.getHashes() != null) {
        ArrayNode sums = p.putArray("checksums");
        for (Hash h : c.getHashes()) {
          if ("SHA-256".equals(h.getAlgorithm())) {
            sums.addObject().put("algorithm", "SHA256").put("checksumValue", h.getValue());
          }
        }
      }
      p.put("licenseConcluded", "NOASSERTION");
      // several POM licenses are a choice; a Debian package's licenses cover different files, so all apply
      String join = c.getPurl() != null && c.getPurl().startsWith("pkg:deb/") ? " AND " : " OR ";
      p.put("licenseDeclared", licenseExpression(c.getLicenses(), extracted, join));
      p.put("copyrightText", "NOASSERTION");
      if (c.getDescription() != null) {
        p.put("summary", c.getDescription());
      }
      if (c.getPurl() != null) {
        p.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER")
            .put("referenceType", "purl").put("referenceLocator", c.getPurl());
      }
      p.put("primaryPackagePurpose", switch (c.getType()) {
        case CONTAINER -> "CONTAINER";
        case APPLICATION -> "APPLICATION";
        case OPERATING_SYSTEM -> "OPERATING_SYSTEM";
        default -> "LIBRARY";
      });
    }
    if (!extracted.isEmpty()) {
      ArrayNode infos = doc.putArray("hasExtractedLicensingInfos");
      extracted.forEach((id, text) -> infos.addObject().put("licenseId", id).put("extractedText", text)
          .put("name", text));
    }

    ArrayNode rels = doc.putArray("relationships");
    rels.addObject().put("spdxElementId", "SPDXRef-DOCUMENT").put("relationshipType", "DESCRIBES")
        .put("relatedSpdxElement", ids.get(image.getBomRef()));
    if (bom.getDependencies() != null) {
      for (Dependency d : bom.getDependencies()) {
        Component from = byRef.get(d.getRef());
        if (from == null || d.getDependencies() == null) {
          continue;
        }
        String type = from.getType() == Component.Type.CONTAINER ? "CONTAINS" : "DEPENDS_ON";
        for (Dependency to : d.getDependencies()) {
          if (ids.containsKey(to.getRef())) {
            rels.addObject().put("spdxElementId", ids.get(d.getRef())).put("relationshipType", type)
                .put("relatedSpdxElement", ids.get(to.getRef()));
          }
        }
      }
    }
    return doc;
  }

  private static String licenseExpression(LicenseChoice choice, Map<String, String> extracted, String join) {
    if (choice == null) {
      return "NOASSERTION";
    }
    if (choice.getExpression() != null) {
      return choice.getExpression().getValue();
    }
    if (choice.getLicenses() == null || choice.getLicenses().isEmpty()) {
      return "NOASSERTION";
    }
    List<String> parts = new ArrayList<>();
    for (License l : choice.getLicenses()) {
      if (l.getId() != null) {
        parts.add(l.getId());
      } else {
        String text = l.getName() != null ? l.getName() : l.getUrl();
        String id = "LicenseRef-" + sanitize(text);
        extracted.put(id, text);
        parts.add(id);
      }
    }
    return parts.size() == 1 ? parts.get(0) : "(" + String.join(join, parts) + ")";
  }

  /** SPDX ids allow letters, digits, '.' and '-' only. */
  static String sanitize(String s) {
    String out = s == null ? "" : s.replaceAll("[^A-Za-z0-9.-]+", "-");
    return out.isEmpty() ? "x" : out;
  }
}
