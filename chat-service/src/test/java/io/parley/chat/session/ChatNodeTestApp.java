package io.parley.chat.session;

import io.parley.chat.ChatServiceApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The chat node exactly as {@link ChatServiceApplication} assembles it, except that the test
 * configurations of other test classes in this module (plain {@code @Configuration} classes such as
 * the sequencer's slice context) are not component-scanned into it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
@ComponentScan(basePackageClasses = ChatServiceApplication.class, excludeFilters = {
        @ComponentScan.Filter(type = FilterType.REGEX, pattern = ".*(IT|Test|TestContext|TestApp)(\\$.*)?"),
        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ChatServiceApplication.class)})
public class ChatNodeTestApp {
}
