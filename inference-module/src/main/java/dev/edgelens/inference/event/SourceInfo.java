package dev.edgelens.inference.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A camera's state as read from its frame ring header.
 *
 * @param state  the source as reported by the capture process: {@code unknown}, {@code connecting},
 *               {@code streaming}, {@code reconnecting}, {@code stopped}, or {@code no-ring} when the
 *               ring file does not exist (yet)
 * @param detail the reason given with the state (e.g. {@code connection refused}); may be empty
 * @param writer the capture process as seen by the reader: {@code live}, {@code stale} (heartbeat
 *               stopped), {@code closed}, or {@code absent}
 * @param since  when the source entered {@code state}, ISO-8601 UTC; null if unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceInfo(String state, String detail, String writer, String since) {
}
