// Kubeconfigs as real tools write them, with test-only PEM material (see TestPEM.swift) and made-up
// names, accounts and addresses. The tests write them into a temporary directory, since this
// test target declares no resources.
enum KubeConfigFixture {
    /// As `kind create cluster --name ipam` writes it: RSA client certificate, embedded data.
    static let kind = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(TestPEM.caCertificate.base64)
            server: https://127.0.0.1:39223
          name: kind-ipam
        contexts:
        - context:
            cluster: kind-ipam
            user: kind-ipam
          name: kind-ipam
        current-context: kind-ipam
        kind: Config
        preferences: {}
        users:
        - name: kind-ipam
          user:
            client-certificate-data: \(TestPEM.rsaClientCertificate.base64)
            client-key-data: \(TestPEM.rsaClientKeyPKCS1.base64)
        """

    /// As `k3d cluster create ipam` writes it: k3s issues EC (P-256) client keys in SEC1 form.
    static let k3d = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(TestPEM.caCertificate.base64)
            server: https://0.0.0.0:6550
          name: k3d-ipam
        contexts:
        - context:
            cluster: k3d-ipam
            user: admin@k3d-ipam
          name: k3d-ipam
        current-context: k3d-ipam
        kind: Config
        preferences: {}
        users:
        - name: admin@k3d-ipam
          user:
            client-certificate-data: \(TestPEM.ecClientCertificate.base64)
            client-key-data: \(TestPEM.ecClientKeySEC1.base64)
        """

    static let eksName = "arn:aws:eks:eu-west-1:111122223333:cluster/ipam"

    /// As `aws eks update-kubeconfig --name ipam --region eu-west-1 --profile platform` writes it:
    /// an `aws eks get-token` exec plugin speaking v1beta1. `command` can be replaced by a fake.
    static func eks(command: String = "aws") -> String {
        """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(TestPEM.caCertificate.base64)
            server: https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com
          name: \(eksName)
        contexts:
        - context:
            cluster: \(eksName)
            user: \(eksName)
          name: \(eksName)
        current-context: \(eksName)
        kind: Config
        preferences: {}
        users:
        - name: \(eksName)
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - --region
              - eu-west-1
              - eks
              - get-token
              - --cluster-name
              - ipam
              - --output
              - json
              command: \(command)
              env:
              - name: AWS_PROFILE
                value: platform
        """
    }

    static let gkeName = "gke_ipam-project_europe-west1_ipam"

    /// As `gcloud container clusters get-credentials ipam` writes it: the gke-gcloud-auth-plugin
    /// exec plugin with cluster information and a folded install hint.
    static let gke = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(TestPEM.caCertificate.base64)
            server: https://34.118.12.34
          name: \(gkeName)
        contexts:
        - context:
            cluster: \(gkeName)
            user: \(gkeName)
          name: \(gkeName)
        current-context: \(gkeName)
        kind: Config
        preferences: {}
        users:
        - name: \(gkeName)
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: gke-gcloud-auth-plugin
              installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
                https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
              interactiveMode: IfAvailable
              provideClusterInfo: true
        """

    /// A minimal valid kubeconfig around one user body (indented by the caller to sit under
    /// `user:`), with context `ctx`, cluster `c` and user `u`.
    static func withUser(_ userBody: String, clusterBody: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
        \(clusterBody ?? "    server: https://api.example.test:6443")
        contexts:
        - name: ctx
          context:
            cluster: c
            user: u
        current-context: ctx
        users:
        - name: u
          user:
        \(userBody)
        """
    }
}
