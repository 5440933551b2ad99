/** The names of Govrnanza's deployables. */
export type ServiceName = 'gateway' | 'account' | 'profile' | 'registry' | 'billing';

/** The gRPC back-ends (everything but the HTTP gateway). */
export type BackendName = Exclude<ServiceName, 'gateway'>;

/** Where a service listens by default and what it serves. */
export interface ServiceSpec {
  name: ServiceName;
  /** 'http' for the gateway, 'grpc' for the back-ends. */
  protocol: 'http' | 'grpc';
  /** Default port of the main listener (HTTP or gRPC). */
  port: number;
  /** Default port of the Prometheus `/metrics` listener. */
  metricsPort: number;
  /** Fully qualified gRPC service name, for back-ends. */
  grpcService?: string;
}

/** Every service with its default ports. Config, launcher, manifests and tests read this. */
export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  gateway: { name: 'gateway', protocol: 'http', port: 8080, metricsPort: 9100 },
  account: { name: 'account', protocol: 'grpc', port: 50051, metricsPort: 9101, grpcService: 'govrnanza.account.v1.AccountService' },
  profile: { name: 'profile', protocol: 'grpc', port: 50052, metricsPort: 9102, grpcService: 'govrnanza.profile.v1.ProfileService' },
  registry: { name: 'registry', protocol: 'grpc', port: 50053, metricsPort: 9103, grpcService: 'govrnanza.registry.v1.RegistryService' },
  billing: { name: 'billing', protocol: 'grpc', port: 50054, metricsPort: 9104, grpcService: 'govrnanza.billing.v1.BillingService' },
};

/** Service names in start-up order: dependencies before dependants. */
export const START_ORDER: readonly ServiceName[] = ['account', 'profile', 'registry', 'billing', 'gateway'];

export const BACKENDS: readonly BackendName[] = ['account', 'profile', 'registry', 'billing'];

/** The environment variable holding a downstream's address, e.g. ACCOUNT_ADDR. */
export function addressEnvVar(service: BackendName): string {
  return `${service.toUpperCase()}_ADDR`;
}
