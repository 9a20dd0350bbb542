package dev.edgelens.inference.model;

/** A candidate model was refused; the message is {@code "<file>: <reason>"}. */
public final class ModelRejectedException extends Exception {

    private final String file;
    private final String reason;

    public ModelRejectedException(String file, String reason) {
        this(file, reason, null);
    }

    public ModelRejectedException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file at fault (the model, its sidecar or its labels), as a bare file name. */
    public String file() {
        return file;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
