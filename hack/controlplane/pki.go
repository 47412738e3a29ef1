package controlplane

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// frontProxyClient is the common name of the aggregation layer's client
// certificate, the one name metrics-server accepts user headers from.
const frontProxyClient = "front-proxy-client"

// pki is the key material of one control-plane directory: a CA and the
// certificates it signs (the API server's, kwok's and metrics-server's serving
// certificates for 127.0.0.1, the client certificate the API server shows kwok
// as it would show a kubelet, and the one its aggregation layer shows
// metrics-server), a service-account signing key, and random bearer tokens
// for the static-token users.
type pki struct {
	CACert, CAKey                 string
	ServingCert, ServingKey       string
	KwokCert, KwokKey             string
	KubeletClientCert, KubeletKey string
	FrontProxyCert, FrontProxyKey string
	MetricsCert, MetricsKey       string
	SAKey, SAPub                  string
	Tokens                        map[string]string // user name -> token
}

// ensurePKI creates the key material in dir unless it is already there, so a
// restarted cluster keeps the kubeconfig its users already hold. A directory
// from before kwok served logs (no CA key, no kwok certificate) gets a whole
// new set, and so does one from before the aggregation layer (no front-proxy
// or metrics-server certificate).
func ensurePKI(dir string, users []string) (pki, error) {
	p := pki{
		CACert:            filepath.Join(dir, "ca.crt"),
		CAKey:             filepath.Join(dir, "ca.key"),
		ServingCert:       filepath.Join(dir, "apiserver.crt"),
		ServingKey:        filepath.Join(dir, "apiserver.key"),
		KwokCert:          filepath.Join(dir, "kwok.crt"),
		KwokKey:           filepath.Join(dir, "kwok.key"),
		KubeletClientCert: filepath.Join(dir, "apiserver-kubelet-client.crt"),
		KubeletKey:        filepath.Join(dir, "apiserver-kubelet-client.key"),
		FrontProxyCert:    filepath.Join(dir, "front-proxy-client.crt"),
		FrontProxyKey:     filepath.Join(dir, "front-proxy-client.key"),
		MetricsCert:       filepath.Join(dir, "metrics-server.crt"),
		MetricsKey:        filepath.Join(dir, "metrics-server.key"),
		SAKey:             filepath.Join(dir, "sa.key"),
		SAPub:             filepath.Join(dir, "sa.pub"),
		Tokens:            map[string]string{},
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return p, err
	}
	for _, f := range []string{p.CAKey, p.ServingCert, p.KwokCert, p.KubeletClientCert, p.FrontProxyCert, p.MetricsCert} {
		if _, err := os.Stat(f); os.IsNotExist(err) {
			if err := writeCerts(p); err != nil {
				return p, fmt.Errorf("generate certificates: %w", err)
			}
			break
		}
	}
	if _, err := os.Stat(p.SAKey); os.IsNotExist(err) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return p, err
		}
		if err := writeKey(p.SAKey, key); err != nil {
			return p, err
		}
		pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			return p, err
		}
		if err := writePEM(p.SAPub, "PUBLIC KEY", pub, 0o644); err != nil {
			return p, err
		}
	}
	for _, u := range users {
		tokenFile := filepath.Join(dir, "token-"+u)
		tok, err := os.ReadFile(tokenFile)
		if os.IsNotExist(err) {
			raw := make([]byte, 24)
			if _, err := rand.Read(raw); err != nil {
				return p, err
			}
			tok = []byte(hex.EncodeToString(raw))
			err = os.WriteFile(tokenFile, tok, 0o600)
		}
		if err != nil {
			return p, err
		}
		p.Tokens[u] = string(tok)
	}
	return p, nil
}

// leaf describes one certificate the CA signs.
type leaf struct {
	cert, key string
	tmpl      x509.Certificate
}

// writeCerts makes a new CA and every certificate it signs.
func writeCerts(p pki) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "crowsnest-local-ca"},
		NotBefore:             now,
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	leaves := []leaf{
		{p.ServingCert, p.ServingKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			IPAddresses: loopback,
			DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		}},
		// kwok serves the kubelet API of every fake node on 127.0.0.1, the
		// address the nodes advertise; the API server verifies it with the CA.
		{p.KwokCert, p.KwokKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: "kwok-kubelet"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			IPAddresses: loopback,
			DNSNames:    []string{"localhost"},
		}},
		// The identity a kubelet's webhook authorizer would see for the API
		// server's log, exec and port-forward requests.
		{p.KubeletClientCert, p.KubeletKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver-kubelet-client", Organization: []string{"system:masters"}},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}},
		// The aggregation layer's identity towards metrics-server, which then
		// trusts the user it names in its headers (--requestheader-allowed-names).
		{p.FrontProxyCert, p.FrontProxyKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: frontProxyClient},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}},
		// metrics-server listens on 127.0.0.1; the aggregation layer reaches
		// it through its Service and verifies the Service's DNS name.
		{p.MetricsCert, p.MetricsKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: "metrics-server"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			IPAddresses: loopback,
			DNSNames:    []string{"localhost", metricsService + "." + metav1.NamespaceSystem + ".svc"},
		}},
	}
	for i, l := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl := l.tmpl
		tmpl.SerialNumber = big.NewInt(int64(i + 2))
		tmpl.NotBefore, tmpl.NotAfter = now, now.AddDate(10, 0, 0)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		if err := writeKey(l.key, key); err != nil {
			return err
		}
		if err := writePEM(l.cert, "CERTIFICATE", der, 0o644); err != nil {
			return err
		}
	}
	if err := writeKey(p.CAKey, caKey); err != nil {
		return err
	}
	return writePEM(p.CACert, "CERTIFICATE", caDER, 0o644)
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "EC PRIVATE KEY", der, 0o600)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}
