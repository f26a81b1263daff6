package example.documents;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /documents/{id}}: the signed-in user's tenant is the token's {@code tid}; Roster decides. */
@RestController
class DocumentController {

    private final RosterChecks roster;

    DocumentController(RosterChecks roster) {
        this.roster = roster;
    }

    @GetMapping("/documents/{id}")
    ResponseEntity<Map<String, String>> read(@PathVariable String id, @AuthenticationPrincipal Jwt user) {
        String tenant = user.getClaimAsString("tid");
        if (tenant == null || !roster.allowed(user.getSubject(), tenant, "docs:read", "docs/" + id)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).build();
        }
        return ResponseEntity.ok(Map.of("id", id, "title", "Document " + id));
    }
}
