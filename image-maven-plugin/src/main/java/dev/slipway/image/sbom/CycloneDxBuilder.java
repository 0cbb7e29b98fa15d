package dev.slipway.image.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.slipway.common.registry.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.BomReference;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Composition;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.OrganizationalEntity;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.license.Expression;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.util.LicenseResolver;

/**
 * Builds one CycloneDX document for a whole (possibly multi-platform) image.
 *
 * <p>Shape: {@code metadata.component} is the image (type container, name = repository, version = the digest users
 * pull) with one nested container component per platform (version = that platform's manifest digest). The
 * components are the operating system of each platform (type operating-system), its packages (deb/apk/rpm purls,
 * one component per purl; a package present on several platforms, e.g. {@code arch=all}, is listed once and carries
 * one {@code slipway:platform} property per platform; each carries Trivy's {@code aquasecurity:trivy:SrcName} /
 * {@code SrcVersion} source-package properties), JVMs installed from tarballs, and the Maven application with its
 * runtime dependencies. A platform whose package database could not be read carries {@code slipway:warning}
 * properties and is named in an {@code incomplete} composition.
 * {@code dependencies} links image → platforms → OS + packages + application → the Maven dependency tree.
 * The serial number is a name-based UUID of the image digest and application, so the same build gives the same
 * document, and the timestamp is the build's output timestamp.
 */
public final class CycloneDxBuilder {
  static final String PLATFORM_PROPERTY = "slipway:platform";
  static final String WARNING_PROPERTY = "slipway:warning";
  static final String TRIVY = "aquasecurity:trivy:";

  private final Map<String, LicenseChoice> licenseCache = new HashMap<>();

  public Bom build(SbomContent content) throws IOException {
    Bom bom = new Bom();
    bom.setVersion(1);
    bom.setSerialNumber("urn:uuid:" + serial(content));

    Metadata metadata = new Metadata();
    metadata.setTimestamp(Date.from(content.timestamp()));
    ToolInformation tools = new ToolInformation();
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setGroup("dev.slipway");
    tool.setName("image-maven-plugin");
    tool.setVersion(content.toolVersion());
    tools.setComponents(List.of(tool));
    metadata.setToolChoice(tools);

    Component image = new Component();
    image.setType(Component.Type.CONTAINER);
    image.setName(content.repository());
    image.setVersion(content.image().digest());
    image.setPurl(ociPurl(content.repository(), content.image().digest(), null));
    image.setBomRef(image.getPurl());
    image.addHash(new Hash(Hash.Algorithm.SHA_256, Digests.hex(content.image().digest())));
    image.addProperty(new Property("slipway:mediaType", content.image().mediaType()));
    for (String tag : content.tags()) {
      image.addProperty(new Property("slipway:tag", tag));
    }
    metadata.setComponent(image);
    bom.setMetadata(metadata);

    Map<String, Component> components = new LinkedHashMap<>();
    Map<String, Set<String>> edges = new LinkedHashMap<>();
    List<Composition> compositions = new ArrayList<>();
    edges.put(image.getBomRef(), new LinkedHashSet<>());

    String appRef = null;
    if (content.application() != null) {
      appRef = addApplication(content.application(), components, edges);
    }

    for (SbomContent.PlatformContent pc : content.platforms()) {
      ResolvedImage.Platform p = pc.platform();
      Component pcomp = new Component();
      pcomp.setType(Component.Type.CONTAINER);
      pcomp.setName(content.repository());
      pcomp.setVersion(p.manifestDigest());
      pcomp.setPurl(ociPurl(content.repository(), p.manifestDigest(), p));
      pcomp.setBomRef(pcomp.getPurl());
      pcomp.setDescription(p.id());
      pcomp.addHash(new Hash(Hash.Algorithm.SHA_256, Digests.hex(p.manifestDigest())));
      pcomp.addProperty(new Property(PLATFORM_PROPERTY, p.id()));
      pcomp.addProperty(new Property("slipway:compressedSize", Long.toString(p.compressedSize())));
      image.addComponent(pcomp);
      edges.get(image.getBomRef()).add(pcomp.getBomRef());
      Set<String> platformDeps = edges.computeIfAbsent(pcomp.getBomRef(), k -> new LinkedHashSet<>());
      if (appRef != null) {
        platformDeps.add(appRef);
      }
      if (pc.os() != null && pc.os().id() != null) {
        String osRef = "os:" + pc.os().id() + "@" + (pc.os().versionId() == null ? "" : pc.os().versionId());
        Component os = components.computeIfAbsent(osRef, ref -> {
          Component c = new Component();
          c.setType(Component.Type.OPERATING_SYSTEM);
          c.setName(pc.os().id());
          c.setVersion(pc.os().versionId());
          c.setDescription(pc.os().prettyName());
          c.setBomRef(ref);
          return c;
        });
        os.addProperty(new Property(PLATFORM_PROPERTY, p.id()));
        platformDeps.add(osRef);
        edges.computeIfAbsent(osRef, k -> new LinkedHashSet<>());
      }
      for (OsPackage pkg : pc.packages()) {
        String ref = pkg.purl();
        Component c = components.computeIfAbsent(ref, r -> osComponent(pkg, r));
        c.addProperty(new Property(PLATFORM_PROPERTY, p.id()));
        platformDeps.add(ref);
        edges.computeIfAbsent(ref, k -> new LinkedHashSet<>());
      }
      for (JvmRelease jvm : pc.jvms()) {
        String ref = jvm.purl() + "#" + jvm.path();
        Component c = components.computeIfAbsent(ref, r -> jvmComponent(jvm, r));
        c.addProperty(new Property(PLATFORM_PROPERTY, p.id()));
        platformDeps.add(ref);
        edges.computeIfAbsent(ref, k -> new LinkedHashSet<>());
      }
      if (!pc.warnings().isEmpty()) {
        // the platform's inventory is known to be incomplete: say so in the standard way, and why in properties
        for (String warning : pc.warnings()) {
          pcomp.addProperty(new Property(WARNING_PROPERTY, warning));
        }
        Composition incomplete = new Composition();
        incomplete.setAggregate(Composition.Aggregate.INCOMPLETE);
        incomplete.addAssembly(new BomReference(pcomp.getBomRef()));
        compositions.add(incomplete);
      }
    }
    if (!compositions.isEmpty()) {
      bom.setCompositions(compositions);
    }

    bom.setComponents(new ArrayList<>(components.values()));
    List<Dependency> deps = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : edges.entrySet()) {
      Dependency d = new Dependency(e.getKey());
      for (String child : e.getValue()) {
        d.addDependency(new Dependency(child));
      }
      deps.add(d);
    }
    bom.setDependencies(deps);
    return bom;
  }

  private String addApplication(Application app, Map<String, Component> components,
      Map<String, Set<String>> edges) throws IOException {
    Map<String, String> refById = new HashMap<>();
    MavenComponent project = app.project();
    Component root = mavenComponent(project, Component.Type.APPLICATION);
    components.put(root.getBomRef(), root);
    refById.put(project.id(), root.getBomRef());
    edges.put(root.getBomRef(), new LinkedHashSet<>());
    for (MavenComponent dep : app.dependencies()) {
      Component c = mavenComponent(dep, Component.Type.LIBRARY);
      c.setScope(Component.Scope.REQUIRED);
      components.putIfAbsent(c.getBomRef(), c);
      refById.put(dep.id(), c.getBomRef());
      edges.putIfAbsent(c.getBomRef(), new LinkedHashSet<>());
    }
    for (MavenComponent dep : app.dependencies()) {
      String parent = dep.parentId() == null ? null : refById.get(dep.parentId());
      edges.get(parent == null ? root.getBomRef() : parent).add(refById.get(dep.id()));
    }
    return root.getBomRef();
  }

  private Component mavenComponent(MavenComponent m, Component.Type type) throws IOException {
    Component c = new Component();
    c.setType(type);
    c.setGroup(m.groupId());
    c.setName(m.artifactId());
    c.setVersion(m.version());
    c.setDescription(m.description());
    c.setPurl(m.purl());
    c.setBomRef(m.purl());
    if (m.file() != null && java.nio.file.Files.isRegularFile(m.file())) {
      c.addHash(new Hash(Hash.Algorithm.SHA_256, Digests.hex(Digests.sha256(m.file()))));
    }
    LicenseChoice licenses = new LicenseChoice();
    for (MavenComponent.PomLicense l : m.licenses()) {
      License resolved = resolveLicense(l.name(), l.url());
      if (resolved != null) {
        licenses.addLicense(resolved);
      }
    }
    if (licenses.getLicenses() != null && !licenses.getLicenses().isEmpty()) {
      c.setLicenses(licenses);
    }
    return c;
  }

  private Component osComponent(OsPackage pkg, String ref) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setName(pkg.name());
    c.setVersion(pkg.version());
    c.setPurl(ref);
    c.setBomRef(ref);
    c.setDescription(pkg.description());
    if (pkg.supplier() != null && !pkg.supplier().isBlank()) {
      OrganizationalEntity supplier = new OrganizationalEntity();
      supplier.setName(pkg.supplier());
      c.setSupplier(supplier);
    }
    if (pkg.type().equals("deb") && !pkg.licenses().isEmpty()) {
      c.setLicenses(debLicenses(pkg.licenses()));
    } else if (!pkg.licenses().isEmpty()) {
      c.setLicenses(osLicenses(pkg.licenses().get(0)));
    }
    // Trivy reads the source package from these properties (its own CycloneDX output writes them), and without
    // them it would look Debian, Alpine and RPM advisories up under the binary package's name
    OsPackage.TrivySource src = pkg.trivySource();
    c.addProperty(new Property(TRIVY + "SrcName", src.name()));
    c.addProperty(new Property(TRIVY + "SrcVersion", src.version()));
    if (!src.release().isEmpty()) {
      c.addProperty(new Property(TRIVY + "SrcRelease", src.release()));
    }
    if (src.epoch() != 0) {
      c.addProperty(new Property(TRIVY + "SrcEpoch", Integer.toString(src.epoch())));
    }
    c.addProperty(new Property("slipway:package:database", pkg.database()));
    return c;
  }

  private static Component jvmComponent(JvmRelease jvm, String ref) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setName(jvm.product());
    c.setVersion(jvm.version());
    c.setPurl(jvm.purl());
    c.setBomRef(ref);
    c.setCpe(jvm.cpe());
    if (jvm.implementor() != null && !jvm.implementor().isBlank()) {
      OrganizationalEntity supplier = new OrganizationalEntity();
      supplier.setName(jvm.implementor());
      c.setSupplier(supplier);
      c.setDescription(jvm.implementor() + " " + (jvm.imageType().isBlank() ? "JVM" : jvm.imageType()));
    }
    c.addProperty(new Property("slipway:package:database", jvm.path()));
    return c;
  }

  /** Debian short names, as SPDX ids where they map exactly, else as names; duplicates (after mapping) once. */
  private static LicenseChoice debLicenses(List<String> names) {
    LicenseChoice choice = new LicenseChoice();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String name : names) {
      String id = DebCopyright.spdxId(name);
      if (!seen.add(id != null ? id : name)) {
        continue;
      }
      License l = new License();
      if (id != null) {
        l.setId(id);
      } else {
        l.setName(name);
      }
      choice.addLicense(l);
    }
    return choice;
  }

  /** apk states one license field: an SPDX id, an SPDX expression, or free text. */
  private LicenseChoice osLicenses(String value) {
    LicenseChoice choice = new LicenseChoice();
    License single = resolveLicense(value, null);
    if (single != null && single.getId() != null) {
      choice.addLicense(single);
    } else if (value.matches("[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)+")) {
      choice.setExpression(new Expression(value));
    } else {
      License named = new License();
      named.setName(value);
      choice.addLicense(named);
    }
    return choice;
  }

  /** A POM license as an SPDX id when its name (or URL) is a known one, else by name and URL. */
  private License resolveLicense(String name, String url) {
    for (String candidate : new String[] {name, url}) {
      if (candidate == null || candidate.isBlank()) {
        continue;
      }
      LicenseChoice lc = licenseCache.computeIfAbsent(candidate, k -> {
        LicenseChoice r = LicenseResolver.resolve(k, false);
        return r == null ? new LicenseChoice() : r;
      });
      if (lc.getLicenses() != null && !lc.getLicenses().isEmpty() && lc.getLicenses().get(0).getId() != null) {
        License l = new License();
        l.setId(lc.getLicenses().get(0).getId());
        if (url != null && !url.isBlank()) {
          l.setUrl(url);
        }
        return l;
      }
    }
    if (name == null || name.isBlank()) {
      if (url == null || url.isBlank()) {
        return null;
      }
      License l = new License();
      l.setName(url);
      l.setUrl(url);
      return l;
    }
    License l = new License();
    l.setName(name);
    if (url != null && !url.isBlank()) {
      l.setUrl(url);
    }
    return l;
  }

  /** e.g. {@code pkg:oci/app@sha256%3A...?arch=amd64&os=linux&repository_url=127.0.0.1:5000/team/app}. */
  static String ociPurl(String repository, String digest, ResolvedImage.Platform platform) {
    String name = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
    TreeMap<String, String> q = new TreeMap<>();
    q.put("repository_url", repository);
    if (platform != null) {
      q.put("arch", platform.architecture());
      q.put("os", platform.os());
      if (platform.variant() != null && !platform.variant().isEmpty()) {
        q.put("variant", platform.variant());
      }
    }
    try {
      return new PackageURL("oci", null, name, digest, q, null).canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalArgumentException("cannot form an OCI package URL for " + repository + "@" + digest, e);
    }
  }

  private static UUID serial(SbomContent content) {
    StringBuilder seed = new StringBuilder("slipway-sbom\n").append(content.repository()).append('@')
        .append(content.image().digest()).append('\n');
    if (content.application() != null) {
      seed.append(content.application().project().purl()).append('\n');
      content.application().dependencies().forEach(d -> seed.append(d.purl()).append('\n'));
    }
    return UUID.nameUUIDFromBytes(seed.toString().getBytes(StandardCharsets.UTF_8));
  }
}
