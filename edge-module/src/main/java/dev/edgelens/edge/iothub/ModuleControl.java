package dev.edgelens.edge.iothub;

import java.util.Map;

/**
 * What the module twin and {@code getStatus} need from a running EdgeLens program. Each program
 * implements it over its live settings and status; the IoT Hub side only speaks the protocol
 * ({@link TwinSync}, {@link DirectMethods}).
 *
 * <p>Values use the program's option names without the leading dashes (e.g. {@code top-k},
 * {@code source}, {@code max-fps}) and the option's text form, exactly as {@code --name=value} on
 * the command line. Returned maps are serialised to JSON (nested maps, lists, strings, numbers,
 * booleans) and must hold no secrets.
 */
public interface ModuleControl {

    /**
     * Validates {@code changes} together with the current settings and applies them live, all or
     * nothing. A value of null means "back to the default".
     *
     * @return the effective settings afterwards
     * @throws IllegalArgumentException with the reason (naming the option and what was expected,
     *                                  e.g. an out-of-range value, or an option that needs a
     *                                  restart) when anything is invalid; nothing changed
     */
    Map<String, Object> applySettings(Map<String, String> changes);

    /** The effective settings now (option name to value). */
    Map<String, Object> effectiveSettings();

    /** Status for reported properties and {@code getStatus}, including a {@code version}. */
    Map<String, Object> status();
}
