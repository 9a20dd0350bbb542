package dev.edgelens.edge.iothub;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1, made at test time so
 * no key material lives in the repository. The server certificate carries an IP SAN for 127.0.0.1
 * (the SDK verifies the host name, and refuses host names without a dot, so "localhost" is no option).
 */
public final class TestPki {

    public final KeyPair caKeys;
    public final X509Certificate caCert;
    public final KeyPair serverKeys;
    public final X509Certificate serverCert;

    private TestPki(KeyPair caKeys, X509Certificate caCert, KeyPair serverKeys, X509Certificate serverCert) {
        this.caKeys = caKeys;
        this.caCert = caCert;
        this.serverKeys = serverKeys;
        this.serverCert = serverCert;
    }

    private static TestPki instance;

    /** One PKI per test JVM: key generation is the slow part and a fresh CA per test adds nothing. */
    public static synchronized TestPki get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    private static TestPki create() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair ca = gen.generateKeyPair();
            KeyPair server = gen.generateKeyPair();
            Instant now = Instant.now();
            Date from = Date.from(now.minus(Duration.ofHours(1)));
            Date to = Date.from(now.plus(Duration.ofDays(2)));
            X500Name caName = new X500Name("CN=EdgeLens Test CA");

            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName,
                    new BigInteger(64, new SecureRandom()), from, to, caName, ca.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            caBuilder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            X509Certificate caCert = sign(caBuilder, ca);

            X509v3CertificateBuilder srvBuilder = new JcaX509v3CertificateBuilder(caName,
                    new BigInteger(64, new SecureRandom()), from, to, new X500Name("CN=127.0.0.1"), server.getPublic());
            srvBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            srvBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            X509Certificate srvCert = sign(srvBuilder, ca);
            return new TestPki(ca, caCert, server, srvCert);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test PKI", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** The CA certificate as PEM text (what EdgeModuleCACertificateFile and the workload API hand out). */
    public String caPem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the CA certificate as a PEM file. */
    public Path writeCaPem(Path file) throws IOException {
        Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
        return file;
    }

    /** A server SSLContext presenting the test server certificate (for 127.0.0.1), signed by the test CA. */
    public SSLContext serverContext() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] pass = "test".toCharArray();
            keys.setKeyEntry("server", serverKeys.getPrivate(), pass, new java.security.cert.Certificate[]{serverCert, caCert});
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            SSLContext ctx = SSLContext.getInstance("TLSv1.2");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test server SSLContext", e);
        }
    }

    /** A client SSLContext that trusts only the test CA. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("edgelens-test-ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLSv1.2");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test client SSLContext", e);
        }
    }
}
