package dev.edgelens.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the baseline benchmark (a method of the same class, run with the same parameters in the same run) that
 * {@link RatioReport} divides this benchmark's score by, and the target the ratio must meet.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ComparedTo {
    /** The baseline method's name. */
    String value();

    /** The goal for the ratio, e.g. {@code ">= 0.9"} or {@code "<= 1.05"}; empty for none. */
    String target() default "";
}
