package dev.slipway.testkit.mojo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness's {@code @MojoTest} with a real project and session: each test gets a fresh project directory, a
 * {@code MavenProject} read from the test's {@code @InjectMojo(pom = ...)} and a {@code MavenSession} whose user
 * properties are the test's {@link UserProperty} annotations. Mojos come from {@code @InjectMojo} parameters,
 * configured by Maven's own expression evaluator and configurator from the plugin descriptor, so defaults,
 * {@code -D} properties and POM configuration bind as in a real build. See CONTRIBUTING.md, "Testing a goal".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(MojoGoalExtension.class)
public @interface MojoGoalTest {}
