package io.parley.id.service;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeId;
import io.parley.id.lease.WorkerIdLeaseLostException;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** Request handling only; IdGeneratorApplicationIT runs the whole service on a real Cassandra. */
class IdControllerTest {

    private final AtomicLong next = new AtomicLong(SnowflakeId.encode(Instant.parse("2026-03-04T05:06:07.008Z"), 9, 0));
    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new IdController(next::getAndIncrement)).build();

    @Test
    void issuesTheRequestedNumberOfIdsAsDecimalStrings() throws Exception {
        long first = next.get();
        mvc.perform(get("/ids").param("count", "3"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ids.length()").value(3))
                .andExpect(jsonPath("$.ids[0]").value(Long.toString(first)))
                .andExpect(jsonPath("$.ids[2]").value(Long.toString(first + 2)));
    }

    @Test
    void countDefaultsToOne() throws Exception {
        mvc.perform(get("/ids")).andExpect(status().isOk()).andExpect(jsonPath("$.ids.length()").value(1));
    }

    @Test
    void countOutside1To1000IsABadRequestAndIssuesNothing() throws Exception {
        long before = next.get();
        mvc.perform(get("/ids").param("count", "0")).andExpect(status().isBadRequest());
        mvc.perform(get("/ids").param("count", "1001")).andExpect(status().isBadRequest());
        mvc.perform(get("/ids").param("count", "lots")).andExpect(status().isBadRequest());
        mvc.perform(get("/ids").param("count", "1000")).andExpect(status().isOk());
        org.assertj.core.api.Assertions.assertThat(next.get()).isEqualTo(before + 1000);
    }

    @Test
    void decodesAnId() throws Exception {
        long id = SnowflakeId.encode(Instant.parse("2030-01-02T03:04:05.678Z"), 1023, 4095);
        mvc.perform(get("/ids/{id}", id))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(Long.toString(id)))
                .andExpect(jsonPath("$.timestamp").value("2030-01-02T03:04:05.678Z"))
                .andExpect(jsonPath("$.workerId").value(1023))
                .andExpect(jsonPath("$.sequence").value(4095));
    }

    @Test
    void aNegativeOrNonNumericIdIsABadRequest() throws Exception {
        mvc.perform(get("/ids/{id}", "-5")).andExpect(status().isBadRequest());
        mvc.perform(get("/ids/{id}", "abc")).andExpect(status().isBadRequest());
    }

    @Test
    void aLostLeaseIsServiceUnavailableNotAServerError() throws Exception {
        IdGenerator lost = () -> {
            throw new WorkerIdLeaseLostException("worker id 3 lease was lost");
        };
        MockMvcBuilders.standaloneSetup(new IdController(lost)).build()
                .perform(get("/ids"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.title").value("Id generator unavailable"))
                .andExpect(jsonPath("$.detail").value("worker id 3 lease was lost"));
    }
}
