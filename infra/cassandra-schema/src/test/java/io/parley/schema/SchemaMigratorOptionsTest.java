package io.parley.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The migrator's command line and variables, without a cluster (SecuredInfrastructureIT has one). */
class SchemaMigratorOptionsTest {

    @Test
    void withNothingSetItConnectsAsBeforeWithoutLoginOrTls() {
        DriverExecutionProfile profile = profile(new String[0], Map.of());
        assertThat(profile.isDefined(DefaultDriverOption.AUTH_PROVIDER_CLASS)).isFalse();
        assertThat(profile.isDefined(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS)).isFalse();
    }

    @Test
    void theServicesVariablesGiveALoginAndTlsWithHostnameVerification() {
        DriverExecutionProfile profile = profile(new String[0], Map.of(
                "CASSANDRA_USERNAME", "parley_admin", "CASSANDRA_PASSWORD", "pw",
                "CASSANDRA_SSL_TRUSTSTORE_LOCATION", "file:/run/secrets/ca.p12",
                "CASSANDRA_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME)).isEqualTo("parley_admin");
        assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD)).isEqualTo("pw");
        assertThat(profile.getString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS)).isEqualTo("DefaultSslEngineFactory");
        assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PATH)).isEqualTo("/run/secrets/ca.p12");
        assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD)).isEqualTo("changeit");
        assertThat(profile.getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isTrue();
    }

    @Test
    void theCommandLineOverridesTheVariables() {
        DriverExecutionProfile profile = profile(new String[] {"--username=other", "--ssl=true", "--ssl-verify-hostname=false"},
                Map.of("CASSANDRA_USERNAME", "parley_admin", "CASSANDRA_PASSWORD", "pw"));
        assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME)).isEqualTo("other");
        assertThat(profile.getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isFalse();
        assertThat(profile.isDefined(DefaultDriverOption.SSL_TRUSTSTORE_PATH)).isFalse();
    }

    @Test
    void aUserWithoutPasswordATrustStoreWithoutTlsAndUnknownArgumentsAreRefused() {
        assertThatThrownBy(() -> profile(new String[] {"--username=parley_admin"}, Map.of()))
                .hasMessageContaining("CASSANDRA_PASSWORD");
        assertThatThrownBy(() -> profile(new String[] {"--truststore=/ca.p12", "--ssl=false"}, Map.of()))
                .hasMessageContaining("--truststore without --ssl=true");
        assertThatThrownBy(() -> profile(new String[] {"--password=pw"}, Map.of()))
                .hasMessageContaining("Unknown argument");
    }

    private static DriverExecutionProfile profile(String[] args, Map<String, String> environment) {
        return SchemaMigrator.clientConfig(SchemaMigrator.options(args, environment), environment)
                .getInitialConfig().getDefaultProfile();
    }
}
