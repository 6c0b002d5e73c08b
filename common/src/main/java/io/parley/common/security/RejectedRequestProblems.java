package io.parley.common.security;

import io.parley.common.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A problem detail (400, {@code urn:parley:problem:invalid-request}) for a URL that Spring
 * Security's firewall refuses before any controller runs (";", "..", an encoded "." or "%", a
 * control character). Without it the refusal went through the servlet container's error page and
 * came back as Boot's plain JSON error, not the problem docs/api.md promises for every error
 * (found by the security suite's REST fuzzing). Every servlet service with Spring Security gets it;
 * Spring Security uses the context's {@link RequestRejectedHandler} bean.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RequestRejectedHandler.class)
public class RejectedRequestProblems {

    @Bean
    @ConditionalOnMissingBean(RequestRejectedHandler.class)
    RequestRejectedHandler rejectedRequestProblem() {
        JsonMapper json = JsonMapper.builder().build();
        return (HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected) -> {
            if (response.isCommitted()) {
                return;
            }
            writeProblem(json, request, response);
        };
    }

    private static void writeProblem(JsonMapper json, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ProblemResponses.write(json, request, response, HttpStatus.BAD_REQUEST,
                "The request URL is not accepted (it holds ';', '..', an encoded '.', '/', '\\\\' or '%', or a control character).");
    }
}
