package io.parley.api.web;

import io.parley.common.web.ValidUnicodeStrings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JacksonModule;

/**
 * Every string of every request body must be valid Unicode (common's {@link ValidUnicodeStrings}):
 * otherwise a 400 naming the field, before any controller or the store sees it.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfig {

    @Bean
    JacksonModule validUnicodeStrings() {
        return ValidUnicodeStrings.module();
    }
}
