package io.parley.id.service;

import java.util.ArrayList;
import java.util.List;

import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeId;
import io.parley.id.lease.WorkerIdLeaseLostException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /ids?count=N} issues N ids; {@code GET /ids/{id}} explains one. Ids travel as
 * decimal strings because JavaScript numbers lose precision above 2^53.
 */
@RestController
@RequestMapping("/ids")
class IdController {

    static final int MAX_COUNT = 1000;

    private final IdGenerator ids;

    IdController(IdGenerator ids) {
        this.ids = ids;
    }

    @GetMapping
    IdsResponse next(@RequestParam(defaultValue = "1") int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw badRequest("count must be between 1 and " + MAX_COUNT + ", was " + count);
        }
        List<String> issued = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            issued.add(Long.toString(ids.nextId()));
        }
        return new IdsResponse(issued);
    }

    @GetMapping("/{id}")
    DecodedId decode(@PathVariable long id) {
        if (id < 0) {
            throw badRequest("Snowflake ids are positive, was " + id);
        }
        SnowflakeId decoded = SnowflakeId.decode(id);
        return new DecodedId(Long.toString(id), decoded.timestamp().toString(), decoded.workerId(),
                decoded.sequence());
    }

    /** The generator stopped because it may no longer own its worker id: not the client's fault. */
    @ExceptionHandler(WorkerIdLeaseLostException.class)
    ProblemDetail leaseLost(WorkerIdLeaseLostException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Id generator unavailable");
        return problem;
    }

    private static ErrorResponseException badRequest(String detail) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST,
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
    }

    record IdsResponse(List<String> ids) {
    }

    /** One id's fields; {@code timestamp} is ISO-8601 UTC. */
    record DecodedId(String id, String timestamp, int workerId, int sequence) {
    }
}
