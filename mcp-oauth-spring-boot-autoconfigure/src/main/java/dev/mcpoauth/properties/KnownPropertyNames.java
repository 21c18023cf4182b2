package dev.mcpoauth.properties;

import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mcpoauth.client.McpOAuthClientProperties;
import dev.mcpoauth.health.McpOAuthHealthProperties;
import dev.mcpoauth.server.McpOAuthServerProperties;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The names the starter binds under {@code mcp.oauth}, read from its {@code @ConfigurationProperties} classes, so
 * that a name it does not know (a typo) can be found, and the nearest known one offered. Names are compared as
 * Spring Boot's relaxed binding compares them (case, dashes and underscores aside); map keys are free.
 */
final class KnownPropertyNames {

	/** The root of the names: {@code mcp.oauth}. */
	static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("mcp.oauth");

	private final Node root = Node.bean(Map.of("server", Node.of(McpOAuthServerProperties.class), "client",
			Node.of(McpOAuthClientProperties.class), "health", Node.of(McpOAuthHealthProperties.class)));

	/**
	 * Check a name under {@link #ROOT}.
	 * @param name the name, as Spring Boot adapted it from its source
	 * @param fromEnvironmentVariable whether it comes from an environment variable, whose {@code _} stands for a
	 * dot or a dash
	 * @return the first element that is not known, with the known names at its place, or empty when all are
	 */
	Optional<Unknown> check(ConfigurationPropertyName name, boolean fromEnvironmentVariable) {
		Node node = this.root;
		for (int i = ROOT.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
			if (node.isLeaf()) {
				return name.isNumericIndex(i) || node.anyBelow ? Optional.empty() : Optional.of(unknown(name, i, node));
			}
			if (node.mapValues != null) {
				node = node.mapValues;
				continue;
			}
			String element = name.getElement(i, Form.UNIFORM);
			Node child = node.children.get(element);
			// an environment variable spells a dash as '_', which reads as a dot (MCP_OAUTH_SERVER_ISSUER_URI), and
			// Spring Boot binds it: join the following elements to find the name
			for (int j = i + 1; child == null && fromEnvironmentVariable && j < name.getNumberOfElements(); j++) {
				element += name.getElement(j, Form.UNIFORM);
				child = node.children.get(element);
				if (child != null) {
					i = j;
				}
			}
			if (child == null) {
				return Optional.of(unknown(name, i, node));
			}
			node = child;
		}
		return Optional.empty();
	}

	private static Unknown unknown(ConfigurationPropertyName name, int index, Node node) {
		ConfigurationPropertyName parent = name.chop(index);
		String element = name.getElement(index, Form.UNIFORM);
		List<String> known = node.displayNames.values().stream().sorted().map((display) -> parent + "." + display).toList();
		String nearest = node.displayNames.entrySet()
			.stream()
			.filter((entry) -> distance(entry.getKey(), element) <= Math.max(2, element.length() / 3))
			.min(Comparator.comparingInt((Map.Entry<String, String> entry) -> distance(entry.getKey(), element)))
			.map((entry) -> parent + "." + entry.getValue())
			.orElse(null);
		return new Unknown(name.chop(index + 1).toString(), nearest, known);
	}

	/** Levenshtein distance. */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/**
	 * A name the starter does not know.
	 * @param name the name up to the unknown element
	 * @param nearest the nearest known name at that place, or {@code null}
	 * @param known every known name at that place
	 */
	record Unknown(String name, String nearest, List<String> known) {
	}

	/**
	 * A place in the names: a bean with named children, a map with free keys, or a value (which may be indexed, or
	 * hold anything below when it is a map of values, whose keys may contain dots).
	 */
	private static final class Node {

		/** Children by uniform name. */
		final Map<String, Node> children;

		/** Display (kebab-case) names by uniform name. */
		final Map<String, String> displayNames;

		final Node mapValues;

		final boolean anyBelow;

		private Node(Map<String, Node> children, Map<String, String> displayNames, Node mapValues, boolean anyBelow) {
			this.children = children;
			this.displayNames = displayNames;
			this.mapValues = mapValues;
			this.anyBelow = anyBelow;
		}

		boolean isLeaf() {
			return this.children == null && this.mapValues == null;
		}

		static Node bean(Map<String, Node> named) {
			Map<String, Node> children = new LinkedHashMap<>();
			Map<String, String> names = new LinkedHashMap<>();
			named.forEach((name, node) -> {
				String uniform = ConfigurationPropertyName.of(name).getElement(0, Form.UNIFORM);
				children.put(uniform, node);
				names.put(uniform, name);
			});
			return new Node(children, names, null, false);
		}

		static Node of(Class<?> type) {
			Map<String, Node> named = new LinkedHashMap<>();
			for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
				if (property.getReadMethod() != null && !"class".equals(property.getName())) {
					named.put(kebab(property.getName()), of(property.getReadMethod().getGenericReturnType()));
				}
			}
			return bean(named);
		}

		private static Node of(Type type) {
			Class<?> raw = raw(type);
			if (Map.class.isAssignableFrom(raw)) {
				Node values = of(((ParameterizedType) type).getActualTypeArguments()[1]);
				return new Node(null, Map.of(), values.isLeaf() ? new Node(null, Map.of(), null, true) : values, false);
			}
			if (Collection.class.isAssignableFrom(raw) || raw.isArray() || raw.isEnum()
					|| !raw.getName().startsWith("dev.mcpoauth.")) {
				return new Node(null, Map.of(), null, false);
			}
			return of(raw);
		}

		private static Class<?> raw(Type type) {
			return (type instanceof ParameterizedType parameterized) ? (Class<?>) parameterized.getRawType()
					: (Class<?>) type;
		}

		private static String kebab(String camel) {
			return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
		}

	}

}
