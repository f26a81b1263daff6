package dev.roster.platform;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Ids in paths and query parameters: canonical UUIDs only (see {@link Uuids}). A custom editor, not a converter:
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
    }
}
