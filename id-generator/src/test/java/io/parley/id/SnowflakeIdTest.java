package io.parley.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SnowflakeIdTest {

    @Test
    void encodeThenDecodeGivesBackEveryField() {
        Instant at = Instant.parse("2031-02-03T04:05:06.789Z");
        for (int workerId : new int[] {0, 1, 512, 1023}) {
            for (int sequence : new int[] {0, 1, 2048, 4095}) {
                SnowflakeId decoded = SnowflakeId.decode(SnowflakeId.encode(at, workerId, sequence));
                assertThat(decoded.timestamp()).isEqualTo(at);
                assertThat(decoded.workerId()).isEqualTo(workerId);
                assertThat(decoded.sequence()).isEqualTo(sequence);
            }
        }
    }

    @Test
    void layoutIsTimestampThenWorkerThenSequence() {
        long id = SnowflakeId.encode(SnowflakeId.EPOCH.plusMillis(1), 1, 1);
        assertThat(id).isEqualTo((1L << 22) | (1L << 12) | 1L);
        assertThat(SnowflakeId.decode(0).timestamp()).isEqualTo(SnowflakeId.EPOCH);
        assertThat(SnowflakeId.EPOCH.toEpochMilli()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void laterTimestampsSortAfterEarlierOnesWhateverTheWorkerAndSequence() {
        Instant at = Instant.parse("2027-01-01T00:00:00Z");
        long earlierMaxed = SnowflakeId.encode(at, 1023, 4095);
        long laterMinimal = SnowflakeId.encode(at.plusMillis(1), 0, 0);
        assertThat(laterMinimal).isGreaterThan(earlierMaxed);
    }

    @Test
    void outOfRangeFieldsAndNegativeIdsAreRejected() {
        Instant at = Instant.parse("2027-01-01T00:00:00Z");
        assertThatIllegalArgumentException().isThrownBy(() -> SnowflakeId.encode(at, 1024, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> SnowflakeId.encode(at, 0, 4096));
        assertThatIllegalArgumentException().isThrownBy(() -> SnowflakeId.encode(SnowflakeId.EPOCH.minusMillis(1), 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> SnowflakeId.decode(-1));
    }
}
