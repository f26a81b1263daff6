package dev.roster.authz;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.method.HandlerMethod;

/**
 * Completes every {@code /v1} operation of the OpenAPI document with what a client must handle: the problem codes it
 * can answer, grouped by status (from its {@link Allow} rule, its {@link Problems}, and the request's shape), and the
 * {@code min_version} parameter every read takes.
 */
@Component
class ProblemDocumentation implements OperationCustomizer, OpenApiCustomizer {

    /** The shape of every problem answer. */
    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents()
                .addSchemas(
                        "ProblemDetail",
                        new ObjectSchema()
                                .description("RFC 9457 problem, with Roster's stable code and the request id")
                                .addProperty("type", new StringSchema())
                                .addProperty("title", new StringSchema())
                                .addProperty("status", new IntegerSchema())
                                .addProperty("detail", new StringSchema())
                                .addProperty("instance", new StringSchema())
                                .addProperty(
                                        "code",
                                        new StringSchema()
                                                ._enum(Arrays.stream(ErrorCode.values())
                                                        .map(ErrorCode::code)
                                                        .toList()))
                                .addProperty("request_id", new StringSchema()));
    }

    private static final Set<ErrorCode> ANY_REQUEST =
            EnumSet.of(ErrorCode.INTERNAL_ERROR, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.METHOD_NOT_ALLOWED);

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        Allow allow = handler.getMethodAnnotation(Allow.class);
        if (allow == null) {
            return operation;
        }
        var codes = EnumSet.copyOf(ANY_REQUEST);
        codes.addAll(forRule(allow.value(), hasTenant(handler)));
        if (handler.getMethodParameters().length > 0) {
            codes.add(ErrorCode.INVALID_PARAMETER);
            codes.add(ErrorCode.MISSING_PARAMETER);
        }
        if (Arrays.stream(handler.getMethodParameters())
                .anyMatch(p -> p.hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class))) {
            codes.addAll(
                    EnumSet.of(ErrorCode.MALFORMED_BODY, ErrorCode.INVALID_FIELD, ErrorCode.UNSUPPORTED_MEDIA_TYPE));
        }
        Problems problems = handler.getMethodAnnotation(Problems.class);
        if (problems != null) {
            codes.addAll(Arrays.asList(problems.value()));
        }
        boolean read = handler.hasMethodAnnotation(GetMapping.class);
        if (read) {
            codes.add(ErrorCode.STALE_READ);
            operation.addParametersItem(new Parameter()
                    .in("query")
                    .name("min_version")
                    .required(false)
                    .description("Answer only from data at least as fresh as this version (a write's `version`);"
                            + " waits up to ROSTER_CONSISTENCY_MAX_WAIT, else 409 stale_read.")
                    .schema(new IntegerSchema().format("int64")));
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        Map<Integer, String> byStatus = new TreeMap<>();
        for (ErrorCode code : codes) {
            byStatus.merge(code.status().value(), "`" + code.code() + "`", (a, b) -> a + ", " + b);
        }
        byStatus.forEach((status, list) -> responses.addApiResponse(
                Integer.toString(status),
                new ApiResponse()
                        .description("Problem (RFC 9457) with one of the codes: " + list)
                        .content(new Content()
                                .addMediaType(
                                        "application/problem+json",
                                        new MediaType()
                                                .schema(new Schema<>().$ref("#/components/schemas/ProblemDetail"))))));
        operation.setResponses(responses);
        return operation;
    }

    private static boolean hasTenant(HandlerMethod handler) {
        return Arrays.stream(handler.getMethodParameters())
                .anyMatch(p -> AccessInterceptor.TENANT_VARIABLE.equals(p.getParameterName()));
    }

    private static Set<ErrorCode> forRule(Rule rule, boolean tenant) {
        var codes = EnumSet.noneOf(ErrorCode.class);
        if (rule != Rule.PUBLIC) {
            codes.addAll(EnumSet.of(
                    ErrorCode.TOKEN_MISSING,
                    ErrorCode.INVALID_TOKEN,
                    ErrorCode.TOKEN_EXPIRED,
                    ErrorCode.SESSION_ENDED));
        }
        if (tenant) {
            codes.add(ErrorCode.TENANT_NOT_FOUND);
        }
        if (rule != Rule.PUBLIC && rule != Rule.SIGNED_IN && rule != Rule.TENANT_MEMBER) {
            codes.add(ErrorCode.ROLE_REQUIRED);
        }
        return codes.stream().collect(Collectors.toCollection(() -> EnumSet.noneOf(ErrorCode.class)));
    }
}
