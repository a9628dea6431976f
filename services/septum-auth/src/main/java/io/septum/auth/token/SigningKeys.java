package io.septum.auth.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** RSA signing keys as PEM files: PKCS#8 private key, X.509 (SubjectPublicKeyInfo) public key, as openssl writes them. */
public final class SigningKeys {

    private SigningKeys() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("generate RSA signing key: " + e.getMessage(), e);
        }
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static PrivateKey readPrivate(Path file) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("read private key " + file + ": " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path file) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("read public key " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] der(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("read key " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("read key " + file + ": no " + type + " PEM block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
