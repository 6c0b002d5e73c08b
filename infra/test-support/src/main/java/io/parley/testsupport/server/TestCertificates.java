package io.parley.testsupport.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made with the JDK's keytool: the
 * server's key store and a trust store holding only that certificate, both PKCS12 with one random
 * password. For TLS between test clients and test servers; nothing else trusts it.
 *
 * @param keyStore   the server's key and certificate
 * @param trustStore what a client trusts to reach that server
 */
public record TestCertificates(Path keyStore, Path trustStore, String password) {

    /** Creates both stores in {@code dir} (which is created if absent). */
    public static TestCertificates create(Path dir) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        try {
            Files.createDirectories(dir);
            Path keyStore = dir.resolve("server.p12");
            Path certificate = dir.resolve("server.crt");
            Path trustStore = dir.resolve("trust.p12");
            keytool(dir, password, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "7", "-dname", "CN=localhost",
                    // Clients check the name they connected to: the tests connect to 127.0.0.1.
                    "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                    "-keystore", keyStore.toString(), "-storetype", "PKCS12");
            keytool(dir, password, "-exportcert", "-alias", "server", "-rfc", "-file", certificate.toString(),
                    "-keystore", keyStore.toString(), "-storetype", "PKCS12");
            keytool(dir, password, "-importcert", "-noprompt", "-alias", "server-ca", "-file", certificate.toString(),
                    "-keystore", trustStore.toString(), "-storetype", "PKCS12");
            return new TestCertificates(keyStore, trustStore, password);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create test certificates in " + dir, e);
        }
    }

    /** A client SSL context that trusts this certificate only. */
    public SSLContext clientSslContext() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the test trust store " + trustStore, e);
        }
    }

    private static void keytool(Path dir, String password, String... arguments) throws IOException {
        Path keytool = Jdks.current().resolveSibling(Jdks.current().getFileName().toString().replace("java", "keytool"));
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(arguments));
        // The password through the environment (":env"), not the command line.
        command.addAll(List.of("-storepass:env", "TEST_STORE_PASSWORD"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TEST_STORE_PASSWORD", password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificates[" + keyStore + ", " + trustStore + ", password hidden]";
    }
}
