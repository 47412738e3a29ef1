package seed

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"crowsnest/hack/podsim"
)

// demo is the rich profile: an online shop, its payment backend, the
// monitoring stack and the platform pieces around them, including one
// deliberately stuck workload and a few unhappy pods so the UI has warnings
// to show.
func demo(nodes int) *objects {
	shop := space{name: "shop", team: "storefront", env: "production", extra: map[string]string{"cost-center": "cc-1042"}}
	payments := space{name: "payments", team: "payments", env: "production", extra: map[string]string{"compliance": "pci-dss"}}
	monitoring := space{name: "monitoring", team: "sre", env: "production"}
	platform := space{name: "platform", team: "platform", env: "production"}

	// shop
	storefront := workload{
		ns: shop, name: "storefront", partOf: "shop", component: "web", tier: "frontend",
		version: "1.42.0", image: registry + "/shop/storefront", replicas: 3,
		port: 8080, probePath: "/healthz", sidecar: true, serviceAccount: "storefront",
		cpu: "100m", memory: "256Mi",
		podAnnotations: liveLog("2"),
		env: []corev1.EnvVar{
			envFromConfigMap("LOG_LEVEL", "storefront-config", "LOG_LEVEL"),
			envFromConfigMap("FEATURE_FLAGS", "storefront-config", "FEATURE_FLAGS"),
			envValue("CATALOG_URL", "http://catalog.shop.svc.cluster.local"),
			envValue("CART_URL", "http://cart.shop.svc.cluster.local"),
		},
	}
	cart := workload{
		ns: shop, name: "cart", partOf: "shop", component: "api", tier: "backend",
		version: "2.7.3", image: registry + "/shop/cart", replicas: 2,
		port: 8080, probePath: "/healthz", serviceAccount: "cart",
		cpu: "50m", memory: "128Mi",
		env: []corev1.EnvVar{
			envValue("REDIS_ADDR", "redis-0.redis.shop.svc.cluster.local:6379"),
			envValue("SESSION_TTL", "24h"),
		},
	}
	catalog := workload{
		ns: shop, name: "catalog", partOf: "shop", component: "api", tier: "backend",
		version: "5.1.0", image: registry + "/shop/catalog", replicas: 2,
		port: 8080, probePath: "/actuator/health", sidecar: true, serviceAccount: "catalog",
		cpu: "250m", memory: "512Mi", configMount: "catalog-config",
		podAnnotations: restarts("1"),
		env: []corev1.EnvVar{
			envValue("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+UseG1GC"),
			envValue("SPRING_CONFIG_ADDITIONAL_LOCATION", "/etc/catalog/"),
		},
	}
	checkout := workload{
		ns: shop, name: "checkout-api", partOf: "shop", component: "api", tier: "backend",
		version: "3.0.4", image: registry + "/shop/checkout-api", replicas: 2,
		port: 8080, probePath: "/ready", sidecar: true, serviceAccount: "checkout-api",
		cpu: "100m", memory: "192Mi",
		env: []corev1.EnvVar{
			envValue("PAYMENTS_URL", "http://payments-api.payments.svc.cluster.local"),
			envFromSecret("STRIPE_SECRET_KEY", "checkout-secrets", "STRIPE_SECRET_KEY"),
			envFromSecret("WEBHOOK_SIGNING_SECRET", "checkout-secrets", "WEBHOOK_SIGNING_SECRET"),
		},
	}
	// recommendations is the deliberately stuck workload: no node carries
	// the accelerator label, so its pods stay Pending.
	recommendations := workload{
		ns: shop, name: "recommendations", partOf: "shop", component: "ml", tier: "backend",
		version: "0.9.2", image: registry + "/shop/recommendations", replicas: 1,
		port: 8080, probePath: "/healthz", cpu: "500m", memory: "1Gi",
		nodeSelector: map[string]string{"accelerator": "nvidia-tesla-t4"},
	}
	redis := workload{
		ns: shop, name: "redis", partOf: "shop", component: "cache", tier: "cache",
		version: "7.2.5", image: registry + "/library/redis", replicas: 1,
		port: 6379, portName: "redis", servicePort: 6379,
		cpu: "100m", memory: "256Mi", args: []string{"--save", "", "--appendonly", "no", "--maxmemory", "200mb"},
	}
	migrate := workload{
		ns: shop, name: "db-migrate", partOf: "shop", component: "migration", tier: "backend",
		version: "1.42.0", image: registry + "/shop/storefront-migrations",
		cpu: "50m", memory: "64Mi", command: []string{"/app/migrate", "up", "--target=1042"},
		env: []corev1.EnvVar{envFromSecret("DATABASE_URL", "storefront-db", "DATABASE_URL")},
	}
	cacheWarmer := workload{
		ns: shop, name: "cache-warmer", partOf: "shop", component: "batch", tier: "backend",
		version: "2.7.3", image: registry + "/shop/cart", cpu: "50m", memory: "64Mi",
		command: []string{"/app/cart", "warm-cache", "--top=500"},
	}
	importer := workload{
		ns: shop, name: "legacy-importer", partOf: "shop", component: "importer", tier: "backend",
		version: "0.3.1", image: registry + "/shop/legacy-importer", port: 8080, probePath: "/healthz",
		cpu: "100m", memory: "128Mi",
		podAnnotations: restarts("7"),
	}

	// payments
	paymentsAPI := workload{
		ns: payments, name: "payments-api", partOf: "payments", component: "api", tier: "backend",
		version: "4.3.1", image: registry + "/payments/payments-api", replicas: 3,
		port: 8080, probePath: "/healthz", sidecar: true, serviceAccount: "payments-api",
		cpu: "200m", memory: "256Mi",
		podAnnotations: liveLog("1"),
		env: []corev1.EnvVar{
			envFromSecret("DATABASE_URL", "payments-db", "DATABASE_URL"),
			envValue("LEDGER_ADDR", "ledger.payments.svc.cluster.local:9090"),
			envValue("FRAUD_SCORER_URL", "http://fraud-scorer.payments.svc.cluster.local"),
		},
	}
	ledger := workload{
		ns: payments, name: "ledger", partOf: "payments", component: "api", tier: "backend",
		version: "2.12.0", image: registry + "/payments/ledger", replicas: 2,
		port: 9090, portName: "grpc", servicePort: 9090, serviceAccount: "ledger",
		cpu: "150m", memory: "256Mi", configMount: "ledger-config",
		env: []corev1.EnvVar{envFromSecret("DATABASE_URL", "payments-db", "DATABASE_URL")},
	}
	fraud := workload{
		ns: payments, name: "fraud-scorer", partOf: "payments", component: "ml", tier: "backend",
		version: "1.8.0", image: registry + "/payments/fraud-scorer", replicas: 2,
		port: 8080, probePath: "/healthz", cpu: "300m", memory: "768Mi",
		podAnnotations: restarts("2"),
		env:            []corev1.EnvVar{envValue("MODEL_VERSION", "2024-10-28"), envValue("SCORE_THRESHOLD", "0.87")},
	}
	postgres := workload{
		ns: payments, name: "postgres", partOf: "payments", component: "database", tier: "database",
		version: "16.4", image: registry + "/library/postgres", replicas: 2,
		port: 5432, portName: "postgres", servicePort: 5432, storage: "20Gi",
		cpu: "250m", memory: "1Gi",
		initContainers: []corev1.Container{{
			Name: "init-pgdata", Image: registry + "/library/postgres:16.4",
			Command: []string{"sh", "-c", "mkdir -p /var/lib/postgres/pgdata && chmod 0700 /var/lib/postgres/pgdata"},
		}},
		env: []corev1.EnvVar{
			envValue("POSTGRES_DB", "ledger"),
			envFromSecret("POSTGRES_USER", "payments-db", "username"),
			envFromSecret("POSTGRES_PASSWORD", "payments-db", "password"),
			envValue("PGDATA", "/var/lib/postgres/pgdata"),
		},
	}
	backfill := workload{
		ns: payments, name: "ledger-backfill", partOf: "payments", component: "migration", tier: "backend",
		version: "2.12.0", image: registry + "/payments/ledger", cpu: "200m", memory: "256Mi",
		args: []string{"backfill", "--since=2024-01-01", "--batch-size=5000"},
		env:  []corev1.EnvVar{envFromSecret("DATABASE_URL", "payments-db", "DATABASE_URL")},
	}
	report := workload{
		ns: payments, name: "nightly-report", partOf: "payments", component: "batch", tier: "backend",
		version: "4.3.1", image: registry + "/payments/reports", cpu: "100m", memory: "256Mi",
		args: []string{"settlement-report", "--format=csv", "--upload=s3://reports/settlements"},
	}

	// monitoring
	prometheus := workload{
		ns: monitoring, name: "prometheus", partOf: "observability", component: "metrics", tier: "monitoring",
		version: "2.54.1", image: registry + "/monitoring/prometheus", replicas: 1,
		port: 9090, probePath: "/-/ready", servicePort: 9090, serviceAccount: "prometheus",
		cpu: "500m", memory: "2Gi", configMount: "prometheus-config",
		args: []string{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=15d"},
	}
	grafana := workload{
		ns: monitoring, name: "grafana", partOf: "observability", component: "dashboards", tier: "monitoring",
		version: "11.2.0", image: registry + "/monitoring/grafana", replicas: 1,
		port: 3000, probePath: "/api/health", cpu: "100m", memory: "256Mi",
		env: []corev1.EnvVar{
			envFromSecret("GF_SECURITY_ADMIN_PASSWORD", "grafana-admin", "admin-password"),
			envValue("GF_SERVER_ROOT_URL", "https://grafana.example.com"),
		},
	}
	alertmanager := workload{
		ns: monitoring, name: "alertmanager", partOf: "observability", component: "alerting", tier: "monitoring",
		version: "0.27.0", image: registry + "/monitoring/alertmanager", replicas: 1,
		port: 9093, probePath: "/-/ready", servicePort: 9093, cpu: "50m", memory: "128Mi",
	}
	nodeExporter := workload{
		ns: monitoring, name: "node-exporter", partOf: "observability", component: "exporter", tier: "monitoring",
		version: "1.8.2", image: registry + "/monitoring/node-exporter",
		port: 9100, portName: "metrics", probePath: "/", serviceAccount: "node-exporter",
		cpu: "20m", memory: "32Mi", tolerateAll: true,
		args: []string{"--path.procfs=/host/proc", "--path.sysfs=/host/sys"},
	}

	// platform
	gateway := workload{
		ns: platform, name: "ingress-gateway", partOf: "platform", component: "gateway", tier: "edge",
		version: "1.11.3", image: registry + "/platform/ingress-gateway", replicas: 2,
		port: 8080, probePath: "/healthz", serviceAccount: "ingress-gateway",
		cpu: "200m", memory: "256Mi",
		podAnnotations: liveLog("3"),
	}
	certRenewer := workload{
		ns: platform, name: "cert-renewer", partOf: "platform", component: "controller", tier: "infra",
		version: "0.4.0", image: registry + "/platform/cert-renewer", replicas: 1,
		port: 9402, portName: "metrics", probePath: "/healthz", servicePort: 9402, serviceAccount: "cert-renewer",
		cpu: "20m", memory: "64Mi", args: []string{"--renew-before=720h", "--leader-elect"},
	}
	logShipper := workload{
		ns: platform, name: "log-shipper", partOf: "platform", component: "logging", tier: "infra",
		version: "3.1.7", image: registry + "/platform/log-shipper",
		port: 2020, probePath: "/api/v1/health", serviceAccount: "log-shipper",
		cpu: "50m", memory: "96Mi", tolerateAll: true,
	}
	toolbox := workload{
		ns: platform, name: "toolbox", partOf: "platform", component: "debug", tier: "infra",
		version: "2024.11.0", image: registry + "/platform/toolbox", cpu: "10m", memory: "32Mi",
		command: []string{"sleep", "infinity"},
	}
	// gpuBenchmark is a hand-started pod nobody can schedule.
	gpuBenchmark := workload{
		ns: platform, name: "gpu-benchmark", partOf: "platform", component: "benchmark", tier: "infra",
		version: "0.1.0", image: registry + "/platform/gpu-benchmark", cpu: "1", memory: "2Gi",
		nodeSelector: map[string]string{"accelerator": "nvidia-a100"},
	}

	o := &objects{}
	for _, s := range []space{shop, payments, monitoring, platform} {
		o.addSpace(s)
	}

	o.add(
		configMap(storefront, "storefront-config", map[string]string{
			"LOG_LEVEL":       "info",
			"FEATURE_FLAGS":   "new-checkout,wishlist,free-shipping-banner",
			"CURRENCY":        "EUR",
			"ITEMS_PER_PAGE":  "24",
			"SESSION_TIMEOUT": "30m",
		}),
		configMap(catalog, "catalog-config", map[string]string{"application.properties": catalogProperties}),
		opaqueSecret(checkout, "checkout-secrets", "STRIPE_SECRET_KEY", "WEBHOOK_SIGNING_SECRET"),
		opaqueSecret(migrate, "storefront-db",
			"DATABASE_URL=postgres://storefront@postgres.payments.svc.cluster.local:5432/storefront?sslmode=require"),
		tlsSecret(storefront, "shop-tls", "shop.example.com"),
		claim(storefront, "uploads", "50Gi", corev1.ReadWriteMany),
	)
	o.addDeployment(storefront, corev1.ServiceTypeClusterIP)
	o.addDeployment(cart, corev1.ServiceTypeClusterIP)
	o.addDeployment(catalog, corev1.ServiceTypeClusterIP)
	o.addDeployment(checkout, corev1.ServiceTypeClusterIP)
	o.addDeployment(recommendations, corev1.ServiceTypeClusterIP)
	o.addStatefulSet(redis)
	o.add(
		job(migrate, "db-migrate-1042", nil),
		cronJob(cacheWarmer, "*/15 * * * *", false),
		ingress(storefront, "shop.example.com", "shop-tls",
			route{"/", storefront}, route{"/api/cart", cart}, route{"/api/catalog", catalog}, route{"/api/checkout", checkout}),
	)
	o.addPod(importer)
	// Helm-style releases: storefront upgraded twice, ledger's last
	// upgrade failed (its revision 1 still deployed).
	o.add(helmRelease(storefront, map[string]any{
		"replicaCount": 1, "image": map[string]any{"repository": storefront.image, "tag": "latest"},
		"ingress": map[string]any{"enabled": false, "host": ""}, "redis": map[string]any{"host": "redis", "password": ""},
	}, "The storefront is served at https://shop.example.com/",
		helmRevision{"superseded", "Install complete", "0.9.0", "1.40.0", 240 * time.Hour, map[string]any{"replicaCount": 2}},
		helmRevision{"superseded", "Upgrade complete", "0.9.3", "1.41.2", 72 * time.Hour,
			map[string]any{"replicaCount": 3, "redis": map[string]any{"password": token("shop/storefront/redis", 24)}}},
		helmRevision{"deployed", "Upgrade complete", "1.0.0", "1.42.0", 2 * time.Hour,
			map[string]any{"replicaCount": 3, "ingress": map[string]any{"enabled": true, "host": "shop.example.com"},
				"redis": map[string]any{"password": token("shop/storefront/redis", 24)}}},
	)...)

	o.add(
		configMap(ledger, "ledger-config", map[string]string{
			"ledger.yaml": ledgerYAML,
			"CURRENCIES":  "EUR,USD,GBP,CHF",
		}),
		opaqueSecret(postgres, "payments-db",
			"username=payments",
			"password",
			"DATABASE_URL=postgres://payments@postgres-0.postgres.payments.svc.cluster.local:5432/ledger?sslmode=require"),
		tlsSecret(paymentsAPI, "payments-tls", "pay.example.com"),
		claim(ledger, "ledger-exports", "10Gi", corev1.ReadWriteOnce),
	)
	o.addDeployment(paymentsAPI, corev1.ServiceTypeClusterIP)
	o.addDeployment(ledger, corev1.ServiceTypeClusterIP)
	o.addDeployment(fraud, corev1.ServiceTypeClusterIP)
	o.addStatefulSet(postgres)
	o.add(helmRelease(ledger, map[string]any{
		"replicaCount": 1, "database": map[string]any{"url": "", "poolSize": 10}, "currencies": []any{"EUR"},
	}, "Ledger gRPC listens on ledger.payments:9090.",
		helmRevision{"deployed", "Install complete", "2.11.0", "2.11.0", 96 * time.Hour,
			map[string]any{"replicaCount": 2, "database": map[string]any{"url": "postgres://payments:" + token("payments/ledger/db", 16) + "@postgres-0.postgres:5432/ledger"}}},
		helmRevision{"failed", "Upgrade \"ledger\" failed: context deadline exceeded", "2.12.0", "2.12.0", 30 * time.Minute,
			map[string]any{"replicaCount": 2, "currencies": []any{"EUR", "USD", "GBP", "CHF"},
				"database": map[string]any{"url": "postgres://payments:" + token("payments/ledger/db", 16) + "@postgres-0.postgres:5432/ledger"}}},
	)...)
	o.add(
		job(backfill, "ledger-backfill", ptr[int32](2)),
		cronJob(report, "0 2 * * *", true),
		ingress(paymentsAPI, "pay.example.com", "payments-tls", route{"/", paymentsAPI}),
	)

	o.add(
		configMap(prometheus, "prometheus-config", map[string]string{"prometheus.yml": prometheusYAML}),
		opaqueSecret(grafana, "grafana-admin", "admin-user=admin", "admin-password"),
		claim(prometheus, "prometheus-data", "100Gi", corev1.ReadWriteOnce),
	)
	o.addDeployment(prometheus, corev1.ServiceTypeClusterIP)
	o.addDeployment(grafana, corev1.ServiceTypeClusterIP)
	o.addDeployment(alertmanager, corev1.ServiceTypeClusterIP)
	o.addDaemonSet(nodeExporter)
	o.add(ingress(grafana, "grafana.example.com", "", route{"/", grafana}))

	o.add(configMap(gateway, "ingress-gateway-config", map[string]string{
		"proxy-body-size":       "8m",
		"keep-alive-requests":   "10000",
		"use-forwarded-headers": "true",
	}))
	o.addDeployment(gateway, corev1.ServiceTypeNodePort)
	o.addDeployment(certRenewer, corev1.ServiceTypeClusterIP)
	o.addDaemonSet(logShipper)
	o.addPod(toolbox)
	o.addPod(gpuBenchmark)

	// The demo's own custom resources: Databases with their Backups, and
	// the platform's Tenants; ledger-db is the one that is not Ready.
	ready := func(replicas int64, since time.Duration) condition {
		return condition{typ: "Ready", status: "True", reason: "AllReplicasReady",
			message: fmt.Sprintf("%d of %d replicas ready", replicas, replicas), since: since}
	}
	ordersDB := database{ns: shop, name: "orders-db", engine: "postgres", version: "16.4", replicas: 3, readyReplicas: 3,
		storage: "50Gi", port: 5432, initialized: 40 * 24 * time.Hour, ready: ready(3, 6*time.Hour)}
	catalogDB := database{ns: shop, name: "catalog-db", engine: "mysql", version: "8.4.2", replicas: 2, readyReplicas: 2,
		storage: "20Gi", port: 3306, initialized: 40 * 24 * time.Hour, ready: ready(2, 3*24*time.Hour)}
	ledgerDB := database{ns: payments, name: "ledger-db", engine: "postgres", version: "16.4", replicas: 3, readyReplicas: 1,
		storage: "100Gi", port: 5432, initialized: 90 * 24 * time.Hour, ready: condition{typ: "Ready", status: "False", reason: "ReplicasUnavailable",
			message: "1 of 3 replicas ready: ledger-db-1 and ledger-db-2 are waiting for volume data-ledger-db-2 to attach", since: 12 * time.Minute}}
	metricsDB := database{ns: monitoring, name: "metrics-db", engine: "timescaledb", version: "2.16.1", replicas: 1, readyReplicas: 1,
		storage: "200Gi", port: 5432, initialized: 12 * 24 * time.Hour, ready: ready(1, 12*24*time.Hour)}
	o.crds = append(o.crds, databasesCRD(), backupsCRD(), tenantsCRD())
	for _, db := range []database{ordersDB, catalogDB, ledgerDB, metricsDB} {
		o.addDatabase(db)
	}
	o.addBackup(backup{db: ordersDB, name: "orders-db-nightly", schedule: "0 2 * * *", retention: "14d",
		last: 5*time.Hour + 12*time.Minute, size: "12.4Gi", succeeded: true})
	o.addBackup(backup{db: catalogDB, name: "catalog-db-hourly", schedule: "0 * * * *", retention: "48h",
		last: 38 * time.Minute, size: "1.8Gi", succeeded: true})
	o.addBackup(backup{db: ledgerDB, name: "ledger-db-nightly", schedule: "30 1 * * *", retention: "30d",
		last: 22 * time.Hour, succeeded: false, message: "pg_basebackup: replica ledger-db-2 is not accepting connections"})
	o.addBackup(backup{db: ledgerDB, name: "ledger-db-weekly", schedule: "0 4 * * 0", retention: "90d",
		last: 4 * 24 * time.Hour, size: "61.7Gi", succeeded: true})
	o.addTenant(tenant{name: "acme", displayName: "ACME Retail", plan: "enterprise", contact: "platform@acme.example.com",
		namespaces: []string{"shop", "payments"}, ready: condition{typ: "Ready", status: "True", reason: "Provisioned", message: "Namespaces, quotas and access are in place", since: 60 * 24 * time.Hour}})
	o.addTenant(tenant{name: "globex", displayName: "Globex Observability", plan: "team", contact: "sre@globex.example.com",
		namespaces: []string{"monitoring"}, ready: condition{typ: "Ready", status: "True", reason: "Provisioned", message: "Namespaces, quotas and access are in place", since: 30 * 24 * time.Hour}})
	o.addTenant(tenant{name: "initech", displayName: "Initech Labs", plan: "starter", contact: "it@initech.example.com",
		namespaces: []string{"platform"}, ready: condition{typ: "Ready", status: "False", reason: "QuotaExceeded",
			message: "requested 64 CPU exceeds the starter plan's limit of 16 CPU", since: 2 * time.Hour}})

	o.events = append(o.events,
		scaledUp(storefront), scaledUp(cart), scaledUp(checkout), scaledUp(recommendations),
		scaledUp(paymentsAPI), scaledUp(grafana),
		event{on: ref{"StatefulSet", "payments", "postgres"}, reason: "SuccessfulCreate", component: "statefulset-controller",
			message: "create Claim data-postgres-0 Pod postgres-0 in StatefulSet postgres success", first: 72 * time.Hour, last: 72 * time.Hour},
		event{on: ref{"StatefulSet", "payments", "postgres"}, reason: "SuccessfulCreate", component: "statefulset-controller",
			message: "create Pod postgres-1 in StatefulSet postgres successful", first: 72 * time.Hour, last: 72 * time.Hour},
		event{on: ref{"DaemonSet", "monitoring", "node-exporter"}, reason: "SuccessfulCreate", component: "daemonset-controller",
			message: "Created pod: node-exporter-" + encode(42, 5), first: 5 * 24 * time.Hour, last: 5 * 24 * time.Hour},
		event{on: ref{"Job", "shop", "db-migrate-1042"}, reason: "SuccessfulCreate", component: "job-controller",
			message: "Created pod: db-migrate-1042-" + encode(1042, 5), first: 26 * time.Hour, last: 26 * time.Hour},
		event{on: ref{"Job", "shop", "db-migrate-1042"}, reason: "Completed", component: "job-controller",
			message: "Job completed", first: 26 * time.Hour, last: 26 * time.Hour},

		event{on: ref{"Pod", "platform", "toolbox"}, container: "toolbox", reason: "Pulled", component: "kubelet",
			message: `Successfully pulled image "` + registry + `/platform/toolbox:2024.11.0" in 2.318s (2.318s including waiting). Image size: 48211392 bytes.`,
			first:   40 * time.Minute, last: 40 * time.Minute},
		event{on: ref{"Pod", "platform", "toolbox"}, container: "toolbox", reason: "Created", component: "kubelet",
			message: "Created container: toolbox", first: 40 * time.Minute, last: 40 * time.Minute},
		event{on: ref{"Pod", "platform", "toolbox"}, container: "toolbox", reason: "Started", component: "kubelet",
			message: "Started container toolbox", first: 40 * time.Minute, last: 40 * time.Minute},

		event{on: ref{"Pod", "shop", "legacy-importer"}, container: "legacy-importer", warning: true, reason: "Unhealthy", component: "kubelet",
			message: `Liveness probe failed: Get "http://10.244.2.31:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
			count:   23, first: 3 * time.Hour, last: 2 * time.Minute},
		event{on: ref{"Pod", "shop", "legacy-importer"}, container: "legacy-importer", warning: true, reason: "BackOff", component: "kubelet",
			message: "Back-off restarting failed container legacy-importer in pod legacy-importer_shop",
			count:   61, first: 3 * time.Hour, last: 30 * time.Second},
		event{on: ref{"Pod", "platform", "gpu-benchmark"}, warning: true, reason: "FailedScheduling", component: "default-scheduler",
			message: unschedulable(nodes), count: 4, first: 2 * time.Hour, last: 5 * time.Minute},

		event{on: ref{"Database", "payments", "ledger-db"}, warning: true, reason: "ReplicasUnavailable", component: "database-operator",
			message: "Replica ledger-db-2 is not ready: waiting for volume data-ledger-db-2 to attach", count: 7, first: 12 * time.Minute, last: time.Minute},
		event{on: ref{"Database", "shop", "orders-db"}, reason: "BackupCompleted", component: "database-operator",
			message: "Backup orders-db-nightly completed: 12.4Gi in 3m12s", first: 5 * time.Hour, last: 5 * time.Hour},
		event{on: ref{"Backup", "payments", "ledger-db-nightly"}, warning: true, reason: "BackupFailed", component: "database-operator",
			message: "pg_basebackup: replica ledger-db-2 is not accepting connections", first: 22 * time.Hour, last: 22 * time.Hour},
	)
	return o
}

// liveLog makes podsim keep appending lines per second to the pods' logs.
func liveLog(perSecond string) map[string]string {
	return map[string]string{podsim.LogRateAnnotation: perSecond}
}

// restarts makes podsim show the pods' app container restarted n times,
// with the log of the run that crashed.
func restarts(n string) map[string]string {
	return map[string]string{podsim.RestartsAnnotation: n}
}

// scaledUp is the event a Deployment gets when its first ReplicaSet is scaled.
func scaledUp(w workload) event {
	rs := w.name + "-" + templateHash(w.ns.name+"/"+w.name+"/"+w.version)
	return event{
		on:        ref{"Deployment", w.ns.name, w.name},
		reason:    "ScalingReplicaSet",
		component: "deployment-controller",
		message:   fmt.Sprintf("Scaled up replica set %s from 0 to %d", rs, w.replicas),
		first:     6 * time.Hour,
		last:      6 * time.Hour,
	}
}

// unschedulable is the scheduler's message for a pod whose node selector
// matches none of the cluster's nodes.
func unschedulable(nodes int) string {
	if nodes == 0 {
		return "no nodes available to schedule pods"
	}
	return fmt.Sprintf("0/%d nodes are available: %d node(s) didn't match Pod's node affinity/selector. "+
		"preemption: 0/%d nodes are available: %d Preemption is not helpful for scheduling.", nodes, nodes, nodes, nodes)
}

const catalogProperties = `# catalog service
server.port=8080
server.shutdown=graceful
spring.datasource.url=jdbc:postgresql://postgres.payments.svc.cluster.local:5432/catalog
spring.datasource.hikari.maximum-pool-size=20
spring.jpa.open-in-view=false
catalog.search.page-size=24
catalog.images.cdn=https://cdn.example.com/catalog
catalog.cache.ttl=PT10M
management.endpoints.web.exposure.include=health,info,prometheus
`

const ledgerYAML = `ledger:
  currencies: [EUR, USD, GBP, CHF]
  settlement:
    cutoff: "22:00"
    timezone: Europe/Berlin
  reconciliation:
    enabled: true
    tolerance: 0.01
grpc:
  port: 9090
  maxRecvMsgSize: 4MiB
`

const prometheusYAML = `global:
  scrape_interval: 30s
  evaluation_interval: 30s
  external_labels:
    cluster: demo
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager.monitoring.svc:9093"]
rule_files:
  - /etc/prometheus/rules/*.yml
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
        action: keep
        regex: "true"
  - job_name: node-exporter
    kubernetes_sd_configs:
      - role: endpoints
        namespaces:
          names: [monitoring]
    relabel_configs:
      - source_labels: [__meta_kubernetes_service_name]
        action: keep
        regex: node-exporter
`
