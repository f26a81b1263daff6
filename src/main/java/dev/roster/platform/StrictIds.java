package dev.roster.platform;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Ids in paths and query parameters: canonical UUIDs only (see {@link Uuids}); flags: {@code true} or {@code false}.
 * Custom editors, not converters:
 * Spring falls back to its lenient default editor when a converter refuses, and would read {@code 0-0-0-0-0} as the
 * root tenant's id after all.
 */
@ControllerAdvice
class StrictIds {

    @InitBinder
    void canonicalUuids(WebDataBinder binder) {
        binder.registerCustomEditor(UUID.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                if (text.isEmpty()) {
                    setValue(null);
                    return;
                }
                UUID id = Uuids.parse(text);
                if (id == null) {
                    throw new IllegalArgumentException("not a canonical UUID");
                }
                setValue(id);
            }
        });
        // Spring's own editor also reads yes/on/1 as true: here a flag is true or false, nothing else.
        binder.registerCustomEditor(Boolean.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                switch (text) {
                    case "" -> setValue(null);
                    case "true" -> setValue(Boolean.TRUE);
                    case "false" -> setValue(Boolean.FALSE);
                    default -> throw new IllegalArgumentException("not true or false");
                }
            }
        });
    }
}
