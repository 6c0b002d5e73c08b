package io.parley.common.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every Eureka client of a Parley service the registry credentials, the Eureka-standard way:
 * Spring Cloud's Eureka client sends HTTP basic authentication when a service URL carries
 * {@code user:password@}. Operators keep setting {@code EUREKA_URL} without credentials and put
 * the secret in {@code PARLEY_REGISTRY_PASSWORD} (a secret store, not a URL in a config file); this
 * adds the percent-encoded credentials to each URL of {@code eureka.client.service-url.*} that has
 * none. URLs that already carry credentials are left as they are.
 *
 * <p>Runs after the configuration files are loaded, so it sees the final URLs (files, environment
 * variables and command line alike), and puts the rewritten ones in front of them.
 */
public class RegistryCredentialsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "parleyRegistryCredentials";
    private static final String SERVICE_URL_PREFIX = "eureka.client.service-url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        RegistryCredentials credentials = RegistryCredentials.from(environment);
        if (!credentials.configured()) {
            return;
        }
        Map<String, String> zones = Binder.get(environment)
                .bind(SERVICE_URL_PREFIX, Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        Map<String, Object> rewritten = new LinkedHashMap<>();
        zones.forEach((zone, urls) -> {
            String withCredentials = withCredentials(urls, credentials);
            if (!withCredentials.equals(urls)) {
                rewritten.put(SERVICE_URL_PREFIX + "." + zone, withCredentials);
            }
        });
        if (!rewritten.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, rewritten));
        }
    }

    /** Adds the credentials to every URL of a comma-separated list that has none. */
    static String withCredentials(String urls, RegistryCredentials credentials) {
        return Arrays.stream(urls.split(","))
                .map(String::trim)
                .filter(url -> !url.isEmpty())
                .map(url -> withCredentials(url, credentials.user(), credentials.password()))
                .collect(Collectors.joining(","));
    }

    private static String withCredentials(String url, String user, String password) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return url; // the Eureka client reports it; nothing to add credentials to
        }
        if (uri.getRawUserInfo() != null || uri.getScheme() == null || uri.getRawAuthority() == null) {
            return url;
        }
        String userInfo = encode(user) + ":" + encode(password);
        int authorityStart = uri.getScheme().length() + "://".length();
        return url.substring(0, authorityStart) + userInfo + "@" + url.substring(authorityStart);
    }

    /** Percent-encoding for the user-info part; the Eureka client decodes it ({@code URI.getUserInfo}). */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** After the config data (files, profiles) and the system environment are in place. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
