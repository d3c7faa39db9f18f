package io.keel.launcher.internal;

import io.keel.api.config.ServerConfig;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The member's configuration keys as {@link ServerConfig} defines them, read from the metatype
 * document the build generates from it (the one Karaf's {@code config:*} commands show): name,
 * default and description of each, in the order ServerConfig declares them.
 */
record ServerKeys(List<Key> keys) {

  /** One key; an empty default means etcd derives it (the description says how). */
  record Key(String name, String defaultValue, String description) {}

  static final String METATYPE = "OSGI-INF/metatype/" + ServerConfig.class.getName() + ".xml";

  static ServerKeys load() {
    try (InputStream in = ServerConfig.class.getClassLoader().getResourceAsStream(METATYPE)) {
      if (in == null) {
        throw new IllegalStateException(METATYPE + " is missing (keel-api is built by maven-bundle-plugin, which writes it)");
      }
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList ads = factory.newDocumentBuilder().parse(in).getElementsByTagName("AD");
      List<Key> keys = new ArrayList<>();
      for (int i = 0; i < ads.getLength(); i++) {
        Element ad = (Element) ads.item(i);
        keys.add(new Key(ad.getAttribute("id"), ad.getAttribute("default"), ad.getAttribute("description")));
      }
      return new ServerKeys(List.copyOf(keys));
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + METATYPE + ": " + e, e);
    }
  }

  boolean has(String name) {
    return keys.stream().anyMatch(k -> k.name().equals(name));
  }
}
