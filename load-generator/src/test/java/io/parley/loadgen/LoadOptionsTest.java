package io.parley.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void theDocumentedCommand() {
        LoadOptions o = LoadOptions.parse(List.of("pairs", "--pairs", "200", "--rate", "1000", "--duration", "60s"));
        assertThat(o.scenario()).isEqualTo(LoadOptions.Scenario.PAIRS);
        assertThat(o.pairs()).isEqualTo(200);
        assertThat(o.sessions()).isEqualTo(400);
        assertThat(o.rate()).isEqualTo(1000);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.gateway()).isEqualTo("http://127.0.0.1:8080");
        assertThat(o.prefix()).isEqualTo("lg");
        assertThat(o.output().toString()).startsWith(Path.of(".parley", "load", "pairs-").toString()).endsWith(".json");
    }

    @Test
    void equalsFormDurationsAndFlags() {
        LoadOptions o = LoadOptions.parse(List.of("group", "--members=50", "--senders=5", "--warmup=500ms", "--grace", "2m",
                "--fresh", "--no-processes", "--gateway=http://example.org:8080/", "--output", "/tmp/x.json"));
        assertThat(o.members()).isEqualTo(50);
        assertThat(o.sessions()).isEqualTo(50);
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.prefix()).startsWith("lg").hasSize(8);
        assertThat(o.processes()).isFalse();
        assertThat(o.gateway()).isEqualTo("http://example.org:8080");
        assertThat(o.rate()).isEqualTo(50);
        assertThat(LoadOptions.parseDuration("x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(LoadOptions.parseDuration("x", "20")).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> LoadOptions.parse(List.of("pairs", "--pair", "3")))
                .hasMessageContaining("unknown option(s): --pair");
        assertThatThrownBy(() -> LoadOptions.parse(List.of("chat"))).hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> LoadOptions.parse(List.of("pairs", "--rate", "fast"))).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadOptions.parse(List.of("group", "--members", "10", "--senders", "11")))
                .hasMessageContaining("--senders");
        assertThatThrownBy(() -> LoadOptions.parse(List.of("pairs", "--duration", "soon"))).hasMessageContaining("duration");
    }

    @Test
    void oneProcessHoldsAtMost19900Sockets() {
        assertThat(LoadOptions.parse(List.of("idle", "--connections", "19900")).sessions()).isEqualTo(19_900);
        assertThatThrownBy(() -> LoadOptions.parse(List.of("idle", "--connections", "20000")))
                .hasMessageContaining("several generator processes");
        assertThatThrownBy(() -> LoadOptions.parse(List.of("pairs", "--pairs", "10000")))
                .hasMessageContaining("19900");
    }
}
