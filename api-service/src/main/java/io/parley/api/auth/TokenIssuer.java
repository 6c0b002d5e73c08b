package io.parley.api.auth;

import io.parley.api.config.AuthProperties;
import io.parley.api.user.User;
import io.parley.common.security.TokenValidation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Mints access tokens. The claims are the contract with every other service: {@code sub} is the
 * user id as a decimal string, {@code preferred_username} and {@code name} save them a profile
 * look-up, {@code iss} and {@code aud} are checked by all resource servers
 * ({@code io.parley.common.security.TokenValidation}), {@code sid} names the login (refresh-token
 * family) the token belongs to, so that chat nodes can close the sessions of a revoked login, and
 * {@code kid} picks the JWKS key.
 */
@Component
class TokenIssuer {

    private final JwtEncoder encoder;
    private final SigningKeys keys;
    private final AuthProperties properties;
    private final Clock clock;

    TokenIssuer(JwtEncoder encoder, SigningKeys keys, AuthProperties properties, Clock clock) {
        this.encoder = encoder;
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
    }

    /** A signed access token of one login of the user, valid for {@code parley.auth.token-ttl} from now. */
    String accessToken(User user, UUID login) {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .audience(List.of(properties.audience()))
                .subject(Long.toString(user.id()))
                .issuedAt(now)
                .expiresAt(now.plus(properties.tokenTtl()))
                .claim("preferred_username", user.username())
                .claim("name", user.displayName())
                .claim(TokenValidation.LOGIN_CLAIM, login.toString())
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(keys.currentKeyId()).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    long accessTokenSeconds() {
        return properties.tokenTtl().toSeconds();
    }
}
