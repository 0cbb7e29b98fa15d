package dev.slipway.testkit.mojo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code -Dname=value} on the command line of the in-process build of a {@link MojoGoalTest}: a Maven user
 * property, so it binds every parameter declared with {@code property = "name"} unless the POM configures that
 * parameter explicitly. On the class it applies to every test; on a method it adds to (and overrides) the class's.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(UserProperties.class)
public @interface UserProperty {
  String name();

  /** The value; {@code true} by default, as {@code -Dname} alone gives. */
  String value() default "true";
}
