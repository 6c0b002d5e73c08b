package io.parley.common.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class RegistryCredentialsTest {

    private final RegistryCredentialsEnvironmentPostProcessor postProcessor = new RegistryCredentialsEnvironmentPostProcessor();

    @Test
    void acceptsTheCurrentAndDuringARotationThePreviousPasswordOnly() {
        RegistryCredentials rotating = new RegistryCredentials("parley", "new-secret", "old-secret");

        assertThat(rotating.accepts("parley", "new-secret")).isTrue();
        assertThat(rotating.accepts("parley", "old-secret")).isTrue();
        assertThat(rotating.accepts("parley", "wrong")).isFalse();
        assertThat(rotating.accepts("someone", "new-secret")).isFalse();
        assertThat(rotating.accepts("parley", null)).isFalse();
        assertThat(rotating.toString()).doesNotContain("secret");
    }

    @Test
    void withoutAPasswordNothingIsAccepted() {
        RegistryCredentials none = new RegistryCredentials(null, " ", null);

        assertThat(none.configured()).isFalse();
        assertThat(none.accepts("parley", "")).isFalse();
        assertThat(none.accepts("parley", " ")).isFalse();
        assertThat(none.basicAuthorization()).isNull();
        assertThat(none.user()).isEqualTo("parley");
    }

    @Test
    void addsPercentEncodedCredentialsToEveryServiceUrlWithoutAny() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("parley.registry.password", "p@ss:w/rd #1")
                .withProperty("eureka.client.service-url.defaultZone",
                        "http://10.0.0.1:8761/eureka/, https://keep:me@10.0.0.2:8761/eureka/");

        postProcessor.postProcessEnvironment(environment, new SpringApplication());

        String[] urls = environment.getProperty("eureka.client.service-url.defaultZone").split(",");
        assertThat(urls).hasSize(2);
        assertThat(URI.create(urls[0]).getUserInfo()).isEqualTo("parley:p@ss:w/rd #1");
        assertThat(URI.create(urls[0]).getHost()).isEqualTo("10.0.0.1");
        assertThat(URI.create(urls[0]).getPath()).isEqualTo("/eureka/");
        assertThat(urls[1]).isEqualTo("https://keep:me@10.0.0.2:8761/eureka/");
    }

    @Test
    void springBootAppliesItToEveryApplicationThroughSpringFactories() {
        try (var context = new org.springframework.boot.builder.SpringApplicationBuilder(Empty.class)
                .web(org.springframework.boot.WebApplicationType.NONE)
                .properties("parley.registry.password=s3cret", "eureka.client.service-url.defaultZone=http://127.0.0.1:8761/eureka/")
                .run()) {
            assertThat(context.getEnvironment().getProperty("eureka.client.service-url.defaultZone"))
                    .isEqualTo("http://parley:s3cret@127.0.0.1:8761/eureka/");
        }
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Empty {
    }

    @Test
    void leavesTheUrlsAloneWithoutAPassword() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("eureka.client.service-url.defaultZone", "http://10.0.0.1:8761/eureka/");

        postProcessor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("eureka.client.service-url.defaultZone")).isEqualTo("http://10.0.0.1:8761/eureka/");
    }
}
