package seed

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash/fnv"
	"maps"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Label keys shared by every builder, so that the UI's label filters and
// selectors see one consistent vocabulary across profiles and load pods.
const (
	nameLabel      = "app.kubernetes.io/name"
	partOfLabel    = "app.kubernetes.io/part-of"
	componentLabel = "app.kubernetes.io/component"
	versionLabel   = "app.kubernetes.io/version"
	managedByLabel = "app.kubernetes.io/managed-by"
	managedBy      = "crowsnest-seed"
	hashLabel      = "pod-template-hash"

	registry      = "registry.example.com"
	pullSecret    = "registry-credentials"
	storageClass  = "standard"
	sidecarImage  = registry + "/platform/envoy:1.31.2"
	sidecarName   = "envoy"
	sidecarPort   = 15090
	defaultSAName = "default"
)

// space is a namespace together with the team and environment that every
// object in it is labelled with.
type space struct {
	name  string
	team  string
	env   string
	extra map[string]string // additional namespace labels, e.g. compliance scope
}

// workload describes one application once; the builders below derive its
// pod template, controller, Service and ServiceAccount from it so the labels,
// selectors and ports of all of them always agree.
type workload struct {
	ns        space
	name      string
	partOf    string
	component string // app.kubernetes.io/component, e.g. "api", "database"
	tier      string // frontend, backend, cache, database, monitoring, infra...
	version   string // image tag and app.kubernetes.io/version
	image     string // repository without tag, e.g. registry.example.com/shop/cart

	replicas    int32
	port        int32  // main container port; 0 means the workload serves nothing (jobs, toolboxes)
	portName    string // name of the main port; defaults to "http"
	servicePort int32  // port the Service exposes; defaults to 80
	probePath   string // HTTP path for readiness and liveness; "" probes the port over TCP
	sidecar     bool   // adds an envoy proxy container next to the app

	serviceAccount string // created alongside the workload; "" uses the namespace default
	cpu, memory    string // requests; limits are derived from them
	command        []string
	args           []string
	env            []corev1.EnvVar
	configMount    string            // ConfigMap mounted read-only at /etc/<name>
	storage        string            // StatefulSets only: size of the "data" volume claim template
	nodeSelector   map[string]string // a selector no node matches leaves the pods Pending
	tolerateAll    bool              // DaemonSets that must land on every node
	podLabels      map[string]string // extra pod template labels (load pods: hash and load marker)
	// podAnnotations steer hack/podsim: a live log (podsim.LogRateAnnotation)
	// or restarts of the app container with a previous log
	// (podsim.RestartsAnnotation).
	podAnnotations map[string]string
	initContainers []corev1.Container
}

// selector is the stable subset of labels controllers and Services select on;
// it leaves out the version so a rollout does not orphan pods.
func (w workload) selector() map[string]string {
	return map[string]string{"app": w.name, nameLabel: w.name}
}

// labels are carried by every object belonging to the workload, including
// its ConfigMaps, Secrets and Ingresses.
func (w workload) labels() map[string]string {
	return map[string]string{
		"app":          w.name,
		nameLabel:      w.name,
		partOfLabel:    w.partOf,
		componentLabel: w.component,
		versionLabel:   w.version,
		"tier":         w.tier,
		"env":          w.ns.env,
		"team":         w.ns.team,
		managedByLabel: managedBy,
	}
}

func (w workload) meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: w.ns.name, Labels: w.labels()}
}

// exposedPort is the port the workload's Service listens on.
func (w workload) exposedPort() int32 {
	if w.servicePort == 0 {
		return 80
	}
	return w.servicePort
}

func (w workload) mainPortName() string {
	if w.portName == "" {
		return "http"
	}
	return w.portName
}

// podTemplate is the single pod shape used by Deployments, StatefulSets,
// DaemonSets, Jobs, standalone pods and the load ReplicaSets.
func (w workload) podTemplate() corev1.PodTemplateSpec {
	labels := w.labels()
	maps.Copy(labels, w.podLabels)

	containers := []corev1.Container{w.appContainer()}
	if w.sidecar {
		containers = append(containers, sidecarContainer())
	}
	spec := corev1.PodSpec{
		InitContainers:                w.initContainers,
		Containers:                    containers,
		ServiceAccountName:            w.serviceAccount,
		AutomountServiceAccountToken:  ptr(false),
		NodeSelector:                  w.nodeSelector,
		TerminationGracePeriodSeconds: ptr[int64](30),
		ImagePullSecrets:              []corev1.LocalObjectReference{{Name: pullSecret}},
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr(true),
			RunAsUser:      ptr[int64](10001),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	if w.tolerateAll {
		spec.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
	}
	if w.configMount != "" {
		spec.Volumes = []corev1.Volume{{
			Name: "config",
			VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: w.configMount}},
			},
		}}
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: maps.Clone(w.podAnnotations)},
		Spec:       spec,
	}
}

func (w workload) appContainer() corev1.Container {
	c := corev1.Container{
		Name:            w.name,
		Image:           w.image + ":" + w.version,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         w.command,
		Args:            w.args,
		Env:             append(downwardEnv(w.ns.env), w.env...),
		Resources:       resources(w.cpu, w.memory),
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr(false),
			ReadOnlyRootFilesystem:   ptr(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}
	if w.port != 0 {
		c.Ports = []corev1.ContainerPort{{Name: w.mainPortName(), ContainerPort: w.port, Protocol: corev1.ProtocolTCP}}
		c.ReadinessProbe = w.probe(5, 10)
		c.LivenessProbe = w.probe(15, 20)
	}
	if w.configMount != "" {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: "/etc/" + w.name, ReadOnly: true})
	}
	if w.storage != "" {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "data", MountPath: "/var/lib/" + w.name})
	}
	return c
}

func (w workload) probe(delay, period int32) *corev1.Probe {
	port := intstr.FromString(w.mainPortName())
	handler := corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: port}}
	if w.probePath != "" {
		handler = corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: w.probePath, Port: port, Scheme: corev1.URISchemeHTTP}}
	}
	return &corev1.Probe{
		ProbeHandler:        handler,
		InitialDelaySeconds: delay,
		PeriodSeconds:       period,
		TimeoutSeconds:      2,
		FailureThreshold:    3,
		SuccessThreshold:    1,
	}
}

func sidecarContainer() corev1.Container {
	return corev1.Container{
		Name:            sidecarName,
		Image:           sidecarImage,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Args:            []string{"--config-path", "/etc/envoy/envoy.yaml", "--log-level", "warn"},
		Ports:           []corev1.ContainerPort{{Name: "envoy-admin", ContainerPort: sidecarPort, Protocol: corev1.ProtocolTCP}},
		Env:             []corev1.EnvVar{{Name: "ENVOY_UID", Value: "10001"}},
		Resources:       resources("50m", "64Mi"),
		ReadinessProbe: &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(sidecarPort)}},
			PeriodSeconds: 10,
		},
	}
}

// downwardEnv is the environment every app container gets, as most charts do.
func downwardEnv(env string) []corev1.EnvVar {
	field := func(name, path string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: path}}}
	}
	return []corev1.EnvVar{
		field("POD_NAME", "metadata.name"),
		field("POD_NAMESPACE", "metadata.namespace"),
		field("NODE_NAME", "spec.nodeName"),
		{Name: "APP_ENV", Value: env},
	}
}

// resources derives limits from requests (4x CPU, 2x memory), which is the
// typical shape of a burstable production workload.
func resources(cpu, memory string) corev1.ResourceRequirements {
	c, m := resource.MustParse(cpu), resource.MustParse(memory)
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: c, corev1.ResourceMemory: m},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    *resource.NewMilliQuantity(c.MilliValue()*4, resource.DecimalSI),
			corev1.ResourceMemory: *resource.NewQuantity(m.Value()*2, resource.BinarySI),
		},
	}
}

func envValue(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func envFromSecret(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key,
	}}}
}

func envFromConfigMap(name, configMap, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: configMap}, Key: key,
	}}}
}

func namespaceObject(s space) *corev1.Namespace {
	labels := map[string]string{"team": s.team, "env": s.env, managedByLabel: managedBy}
	maps.Copy(labels, s.extra)
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: s.name, Labels: labels}}
}

func serviceAccount(w workload) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		ObjectMeta:                   w.meta(w.serviceAccount),
		AutomountServiceAccountToken: ptr(false),
	}
}

// defaultServiceAccount is normally created by the controller-manager, but the
// ServiceAccount admission plugin rejects pods until it exists, so the seeder
// creates it itself (AlreadyExists simply means the controller won the race).
func defaultServiceAccount(namespace string) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: defaultSAName, Namespace: namespace}}
}

func deployment(w workload) *appsv1.Deployment {
	maxSurge, maxUnavailable := intstr.FromString("25%"), intstr.FromInt32(0)
	return &appsv1.Deployment{
		ObjectMeta: w.meta(w.name),
		Spec: appsv1.DeploymentSpec{
			Replicas:             ptr(w.replicas),
			Selector:             &metav1.LabelSelector{MatchLabels: w.selector()},
			Template:             w.podTemplate(),
			RevisionHistoryLimit: ptr[int32](5),
			Strategy: appsv1.DeploymentStrategy{
				Type:          appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &maxSurge, MaxUnavailable: &maxUnavailable},
			},
		},
	}
}

func statefulSet(w workload) *appsv1.StatefulSet {
	sts := &appsv1.StatefulSet{
		ObjectMeta: w.meta(w.name),
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr(w.replicas),
			ServiceName: w.name,
			Selector:    &metav1.LabelSelector{MatchLabels: w.selector()},
			Template:    w.podTemplate(),
		},
	}
	if w.storage != "" {
		sts.Spec.VolumeClaimTemplates = []corev1.PersistentVolumeClaim{*claim(w, "data", w.storage, corev1.ReadWriteOnce)}
	}
	return sts
}

func daemonSet(w workload) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: w.meta(w.name),
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: w.selector()},
			Template: w.podTemplate(),
		},
	}
}

// replicaSet is a standalone ReplicaSet named like one a Deployment would own.
func replicaSet(w workload, name string) *appsv1.ReplicaSet {
	sel := w.selector()
	sel[hashLabel] = w.podLabels[hashLabel]
	meta := w.meta(name)
	maps.Copy(meta.Labels, w.podLabels)
	return &appsv1.ReplicaSet{
		ObjectMeta: meta,
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr(w.replicas),
			Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: w.podTemplate(),
		},
	}
}

// pod turns the workload's template into a bare Pod, the way `kubectl run` or
// a controller would.
func pod(w workload, name string) *corev1.Pod {
	tmpl := w.podTemplate()
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: w.ns.name, Labels: tmpl.Labels, Annotations: tmpl.Annotations},
		Spec:       tmpl.Spec,
	}
}

func job(w workload, name string, backoffLimit *int32) *batchv1.Job {
	return &batchv1.Job{ObjectMeta: w.meta(name), Spec: jobSpec(w, backoffLimit)}
}

func cronJob(w workload, schedule string, suspend bool) *batchv1.CronJob {
	return &batchv1.CronJob{
		ObjectMeta: w.meta(w.name),
		Spec: batchv1.CronJobSpec{
			Schedule:                   schedule,
			TimeZone:                   ptr("Etc/UTC"),
			Suspend:                    ptr(suspend),
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			SuccessfulJobsHistoryLimit: ptr[int32](3),
			FailedJobsHistoryLimit:     ptr[int32](1),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: w.labels()},
				Spec:       jobSpec(w, ptr[int32](2)),
			},
		},
	}
}

func jobSpec(w workload, backoffLimit *int32) batchv1.JobSpec {
	tmpl := w.podTemplate()
	tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
	return batchv1.JobSpec{BackoffLimit: backoffLimit, Template: tmpl}
}

// service exposes the workload's main port; headless Services back StatefulSets.
func service(w workload, typ corev1.ServiceType, headless bool) *corev1.Service {
	svc := &corev1.Service{
		ObjectMeta: w.meta(w.name),
		Spec: corev1.ServiceSpec{
			Type:     typ,
			Selector: w.selector(),
			Ports: []corev1.ServicePort{{
				Name:       w.mainPortName(),
				Port:       w.exposedPort(),
				TargetPort: intstr.FromString(w.mainPortName()),
				Protocol:   corev1.ProtocolTCP,
			}},
		},
	}
	if headless {
		svc.Spec.ClusterIP = corev1.ClusterIPNone
		svc.Spec.PublishNotReadyAddresses = true
	}
	return svc
}

// route is one path of an Ingress rule.
type route struct {
	path    string
	backend workload
}

func ingress(w workload, host, tlsSecret string, routes ...route) *networkingv1.Ingress {
	paths := make([]networkingv1.HTTPIngressPath, 0, len(routes))
	for _, r := range routes {
		paths = append(paths, networkingv1.HTTPIngressPath{
			Path:     r.path,
			PathType: ptr(networkingv1.PathTypePrefix),
			Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: r.backend.name,
				Port: networkingv1.ServiceBackendPort{Number: r.backend.exposedPort()},
			}},
		})
	}
	ing := &networkingv1.Ingress{
		ObjectMeta: w.meta(w.name),
		Spec: networkingv1.IngressSpec{
			IngressClassName: ptr("nginx"),
			Rules: []networkingv1.IngressRule{{
				Host:             host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: paths}},
			}},
		},
	}
	ing.Annotations = map[string]string{"nginx.ingress.kubernetes.io/proxy-body-size": "8m"}
	if tlsSecret != "" {
		ing.Annotations["cert-manager.io/cluster-issuer"] = "letsencrypt-prod"
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: tlsSecret}}
	}
	return ing
}

func configMap(w workload, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: w.meta(name), Data: data}
}

func secret(w workload, name string, typ corev1.SecretType, data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: w.meta(name), Type: typ, Data: data}
}

// opaqueSecret holds credentials. A key given as "key=value" stores value as
// is; a bare key gets a generated token, derived from the key so re-runs
// produce the same secret.
func opaqueSecret(w workload, name string, keys ...string) *corev1.Secret {
	data := make(map[string][]byte, len(keys))
	for _, k := range keys {
		key, literal, ok := strings.Cut(k, "=")
		if ok {
			data[key] = []byte(literal)
			continue
		}
		data[key] = []byte(token(w.ns.name+"/"+name+"/"+key, 32))
	}
	return secret(w, name, corev1.SecretTypeOpaque, data)
}

func tlsSecret(w workload, name, host string) *corev1.Secret {
	cert, key := selfSigned(host)
	return secret(w, name, corev1.SecretTypeTLS, map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key})
}

// registrySecret is the image pull secret every pod template references.
func registrySecret(s space) *corev1.Secret {
	user := "robot$" + s.name + "+puller"
	pass := token(s.name+"/registry", 40)
	type entry struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Auth     string `json:"auth"`
	}
	cfg := map[string]map[string]entry{"auths": {registry: {
		Username: user,
		Password: pass,
		Auth:     base64.StdEncoding.EncodeToString([]byte(user + ":" + pass)),
	}}}
	// Marshalling plain strings cannot fail.
	raw, err := json.Marshal(cfg)
	if err != nil {
		panic(fmt.Sprintf("marshal docker config: %v", err))
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: pullSecret, Namespace: s.name, Labels: map[string]string{"team": s.team, managedByLabel: managedBy}},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: raw},
	}
}

func claim(w workload, name, size string, mode corev1.PersistentVolumeAccessMode) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: w.meta(name),
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{mode},
			StorageClassName: ptr(storageClass),
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)},
			},
		},
	}
}

// claimVolumes pre-binds one hostPath PersistentVolume to each claim a
// StatefulSet will create. The control plane has no storage provisioner, so
// without them the StatefulSet's pods would stay Pending on unbound claims.
func claimVolumes(w workload) []*corev1.PersistentVolume {
	pvs := make([]*corev1.PersistentVolume, 0, w.replicas)
	for i := range w.replicas {
		claimName := fmt.Sprintf("data-%s-%d", w.name, i)
		pvs = append(pvs, &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: "pv-" + w.ns.name + "-" + claimName, Labels: w.labels()},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(w.storage)},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
				StorageClassName:              storageClass,
				ClaimRef:                      &corev1.ObjectReference{Namespace: w.ns.name, Name: claimName},
				PersistentVolumeSource: corev1.PersistentVolumeSource{
					HostPath: &corev1.HostPathVolumeSource{Path: "/mnt/disks/" + w.ns.name + "-" + claimName},
				},
			},
		})
	}
	return pvs
}

// hashAlphabet is the consonant-and-digit alphabet Kubernetes uses for
// generated names, so seeded names look like real ones.
const hashAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// templateHash mimics a pod-template-hash: a stable short string for a key.
func templateHash(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return encode(h.Sum64(), 10)
}

// encode writes n characters of hashAlphabet derived from v.
func encode(v uint64, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(hashAlphabet[v%uint64(len(hashAlphabet))])
		v /= uint64(len(hashAlphabet))
	}
	return b.String()
}

// token is a realistic-looking credential: n base62 characters drawn from a
// random source seeded by key, so re-runs generate the same value.
func token(key string, n int) string {
	const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	r := rand.New(rand.NewChaCha8(sha256.Sum256([]byte(key))))
	b := make([]byte, n)
	for i := range b {
		b[i] = base62[r.IntN(len(base62))]
	}
	return string(b)
}

// selfSigned returns a PEM certificate and PKCS#8 key for host, issued a
// month ago and expiring in two months, so the UI has a real expiry to show.
// Random bytes in PEM armour would not do: the API server warns on every
// create about a tls.crt it cannot parse.
func selfSigned(host string) (certPEM, keyPEM []byte) {
	// crypto/rand cannot fail and the template is fixed, so an error here is
	// a programming mistake rather than something a caller could handle.
	must := func(err error) {
		if err != nil {
			panic(fmt.Sprintf("self-signed certificate for %s: %v", host, err))
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), cryptorand.Reader)
	must(err)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes([]byte(token(host, 16))),
		Subject:               pkix.Name{CommonName: host, Organization: []string{"Example Shop GmbH"}},
		DNSNames:              []string{host, "www." + host},
		NotBefore:             now.Add(-30 * 24 * time.Hour),
		NotAfter:              now.Add(60 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(cryptorand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	must(err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

func ptr[T any](v T) *T { return &v }
