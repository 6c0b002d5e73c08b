package io.parley.id.service;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The id generator as a standalone HTTP service (the {@code exec} jar of this module), for
 * clients that cannot embed the library. Its configuration lives in {@code id-generator.yml},
 * not {@code application.yml}: this class ships inside the library jar that other services put
 * on their classpath, and an {@code application.yml} there could shadow or mix with theirs.
 */
@SpringBootApplication
public class IdGeneratorApplication {

    /** Selects {@code id-generator.yml}; tests set the same property. */
    public static final String CONFIG_NAME = "spring.config.name=id-generator";

    public static void main(String[] args) {
        new SpringApplicationBuilder(IdGeneratorApplication.class).properties(CONFIG_NAME).run(args);
    }
}
