package seed

import (
	"time"

	corev1 "k8s.io/api/core/v1"
)

// staging is the small profile. It shares no namespace or workload name with
// demo, so switching contexts in the UI visibly changes what is listed.
func staging(int) *objects {
	web := space{name: "staging-web", team: "web", env: "staging"}
	data := space{name: "staging-data", team: "data", env: "staging"}

	frontend := workload{
		ns: web, name: "web-frontend", partOf: "website", component: "web", tier: "frontend",
		version: "2.0.0-rc.3", image: registry + "/web/web-frontend", replicas: 2,
		port: 3000, probePath: "/api/health", sidecar: true, serviceAccount: "web-frontend",
		cpu: "100m", memory: "192Mi",
		podAnnotations: liveLog("1"),
		env: []corev1.EnvVar{
			envFromConfigMap("PUBLIC_API_URL", "web-frontend-config", "PUBLIC_API_URL"),
			envValue("NODE_ENV", "production"),
		},
	}
	gateway := workload{
		ns: web, name: "api-gateway", partOf: "website", component: "gateway", tier: "edge",
		version: "1.19.0", image: registry + "/web/api-gateway", replicas: 2,
		port: 8080, probePath: "/status", cpu: "100m", memory: "128Mi",
		env: []corev1.EnvVar{envFromSecret("JWT_SIGNING_KEY", "api-gateway-keys", "jwt-signing-key")},
	}
	sitemap := workload{
		ns: web, name: "sitemap-builder", partOf: "website", component: "batch", tier: "backend",
		version: "2.0.0-rc.3", image: registry + "/web/web-frontend", cpu: "50m", memory: "128Mi",
		command: []string{"node", "scripts/build-sitemap.js"},
	}
	indexer := workload{
		ns: data, name: "search-indexer", partOf: "search", component: "worker", tier: "backend",
		version: "0.12.4", image: registry + "/data/search-indexer", replicas: 1,
		port: 8081, probePath: "/healthz", cpu: "200m", memory: "512Mi",
		env: []corev1.EnvVar{envValue("OPENSEARCH_URL", "http://opensearch-0.opensearch.staging-data.svc.cluster.local:9200")},
	}
	opensearch := workload{
		ns: data, name: "opensearch", partOf: "search", component: "search-engine", tier: "database",
		version: "2.17.0", image: registry + "/data/opensearch", replicas: 1,
		port: 9200, servicePort: 9200, probePath: "/_cluster/health", storage: "10Gi",
		cpu: "500m", memory: "2Gi",
		env: []corev1.EnvVar{envValue("discovery.type", "single-node"), envValue("OPENSEARCH_JAVA_OPTS", "-Xms1g -Xmx1g")},
	}

	o := &objects{}
	o.addSpace(web)
	o.addSpace(data)
	o.add(
		configMap(frontend, "web-frontend-config", map[string]string{
			"PUBLIC_API_URL": "https://api.staging.example.com",
			"ANALYTICS":      "disabled",
		}),
		opaqueSecret(gateway, "api-gateway-keys", "jwt-signing-key", "upstream-token"),
	)
	o.addDeployment(frontend, corev1.ServiceTypeClusterIP)
	o.addDeployment(gateway, corev1.ServiceTypeClusterIP)
	o.add(helmRelease(frontend, map[string]any{"replicaCount": 1, "apiUrl": "", "analytics": map[string]any{"enabled": true, "key": ""}},
		"Staging frontend: https://staging.example.com/",
		helmRevision{"deployed", "Install complete", "2.0.0-rc.3", "2.0.0-rc.3", 20 * time.Hour,
			map[string]any{"replicaCount": 2, "apiUrl": "https://api.staging.example.com", "analytics": map[string]any{"enabled": false}}},
	)...)
	o.add(cronJob(sitemap, "0 * * * *", false))
	o.addDeployment(indexer, corev1.ServiceTypeClusterIP)
	o.addStatefulSet(opensearch)

	// Only the Database CRD, with one instance, so that switching context
	// shows a different set of custom resources too.
	o.crds = append(o.crds, databasesCRD())
	o.addDatabase(database{ns: data, name: "analytics-db", engine: "postgres", version: "15.7", replicas: 1, readyReplicas: 1,
		storage: "10Gi", port: 5432, initialized: 20 * time.Hour, ready: condition{typ: "Ready", status: "True", reason: "AllReplicasReady",
			message: "1 of 1 replicas ready", since: 20 * time.Hour}})

	o.events = append(o.events,
		scaledUp(frontend), scaledUp(gateway), scaledUp(indexer),
		event{on: ref{"StatefulSet", "staging-data", "opensearch"}, reason: "SuccessfulCreate", component: "statefulset-controller",
			message: "create Claim data-opensearch-0 Pod opensearch-0 in StatefulSet opensearch success", first: 20 * time.Hour, last: 20 * time.Hour},
		event{on: ref{"CronJob", "staging-web", "sitemap-builder"}, reason: "SawCompletedJob", component: "cronjob-controller",
			message: "Saw completed job: sitemap-builder-28871460, condition: Complete", count: 1, first: 50 * time.Minute, last: 50 * time.Minute},
	)
	return o
}
