// Test-only PEM material, generated once with openssl for these tests (`openssl ecparam`,
// `openssl req -x509`, `openssl genrsa`, `openssl pkcs8 -topk8 -nocrypt`). Nothing here is or
// was ever a real credential: the CA signs only the two client certificates below, and every
// key exists only in this file.
//
// - `caCertificate`: self-signed EC P-256 CA "swift-ipam-test-ca" (valid until 2126).
// - `ecClientCertificate` / `ecClientKeySEC1` / `ecClientKeyPKCS8`: "ec-admin", EC P-256, signed by the CA.
// - `rsaClientCertificate` / `rsaClientKeyPKCS1` / `rsaClientKeyPKCS8`: "rsa-admin", RSA 2048, signed by the CA.
enum TestPEM {
    static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBkTCCATegAwIBAgIUYi+h9/tP4QCAMk0LVKjHu6cwnTcwCgYIKoZIzj0EAwIw
        HTEbMBkGA1UEAwwSc3dpZnQtaXBhbS10ZXN0LWNhMCAXDTI2MTEyNzA3MDMwM1oY
        DzIxMjYxMTAzMDcwMzAzWjAdMRswGQYDVQQDDBJzd2lmdC1pcGFtLXRlc3QtY2Ew
        WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQS/ekNsqzW+v4OrpnfTr8OddS87VPx
        2w8nPWjPStUG3TekAy5UEVEHVJFzAr0HezK2NO4YYnPVmy0Jou9/WxeZo1MwUTAd
        BgNVHQ4EFgQUSxMcqzH1HWVDD7uxWTBc8DfUNgAwHwYDVR0jBBgwFoAUSxMcqzH1
        HWVDD7uxWTBc8DfUNgAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
        AiEA1DREhiMTV9adnvHfBRcVSKbK3jFhGgoov9MSXpsnwFsCIHXh9JGqwyYcGhNP
        TU19fzZ0Sk8IAqLMbLwt9etzb3TB
        -----END CERTIFICATE-----
        """

    static let ecClientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBRTCB7AIUbmwqW2wFy5+Xc2reD9bUYiib/VcwCgYIKoZIzj0EAwIwHTEbMBkG
        A1UEAwwSc3dpZnQtaXBhbS10ZXN0LWNhMCAXDTI2MTEyNzA3MDMwM1oYDzIxMjYx
        MTAzMDcwMzAzWjAsMRcwFQYDVQQKDA5zeXN0ZW06bWFzdGVyczERMA8GA1UEAwwI
        ZWMtYWRtaW4wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATzmm7kltmx6VzNLurr
        hxTiBTzDnAW4DL8rppEWp0BuSJfA5AaBpSZ3iXCwpl1I20lkshRGHw0B9PLoyVLb
        4fNKMAoGCCqGSM49BAMCA0gAMEUCIBHOBgCKcRMBJZLT6WH2VYmFCN4Imyx79y4+
        03GFoxqVAiEA7j0KpCANecEDFyvvte8l885bIdRQgE+sWdB+DcWgjXc=
        -----END CERTIFICATE-----
        """

    static let ecClientKeySEC1 = """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEINax1X041HzhhgS6s01IXPTHJeCR7Gv2t/JqCLKrHfC6oAoGCCqGSM49
        AwEHoUQDQgAE85pu5JbZselczS7q64cU4gU8w5wFuAy/K6aRFqdAbkiXwOQGgaUm
        d4lwsKZdSNtJZLIURh8NAfTy6MlS2+HzSg==
        -----END EC PRIVATE KEY-----
        """

    static let ecClientKeyPKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1rHVfTjUfOGGBLqz
        TUhc9Mcl4JHsa/a38moIsqsd8LqhRANCAATzmm7kltmx6VzNLurrhxTiBTzDnAW4
        DL8rppEWp0BuSJfA5AaBpSZ3iXCwpl1I20lkshRGHw0B9PLoyVLb4fNK
        -----END PRIVATE KEY-----
        """

    static let rsaClientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIICEjCCAbgCFG5sKltsBcufl3Nq3g/W1GIom/1YMAoGCCqGSM49BAMCMB0xGzAZ
        BgNVBAMMEnN3aWZ0LWlwYW0tdGVzdC1jYTAgFw0yNjExMjcwNzAzMDRaGA8yMTI2
        MTEwMzA3MDMwNFowLTEXMBUGA1UECgwOc3lzdGVtOm1hc3RlcnMxEjAQBgNVBAMM
        CXJzYS1hZG1pbjCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAN8OEI+L
        vbCXNyH7hCJGM6KGbbAIrWzx64OAKyp3rB3+XZjZHtPXjOIW7JMJSbprYi6UjbUo
        OuL63CP8BasUvqfgYt96idEZBADEsqJR6pzEJbD/sVJiK4eUBXzvvi81CqXTo98I
        LaHxwnwMv2r2HMo3TNiYqFBCa8MqnvAXN46cJu/aCCJPMwwzyMb4bG5YaGsX6MxA
        N0IoGPEAmckBQzhlW27kBfyKWpqWeSiR6OyTqbQh/BGIXmwfUbplvIDIm+xMg86w
        kRIdt9IODystA7uqxV3vSPJAT+VKVKdf0vzHWV1Y0pvPQACi0lMA0jJ4RDRQKHg/
        YEUHYUg3DE/IIxECAwEAATAKBggqhkjOPQQDAgNIADBFAiAMF1I1+fk6goFeRnQ7
        4hZk3Actk4whwA3PJHumdYqm8QIhAOoRgJxKNagCzqh5P0KcMlhniuBM+UPSHvBA
        RzFneJky
        -----END CERTIFICATE-----
        """

    static let rsaClientKeyPKCS1 = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEA3w4Qj4u9sJc3IfuEIkYzooZtsAitbPHrg4ArKnesHf5dmNke
        09eM4hbskwlJumtiLpSNtSg64vrcI/wFqxS+p+Bi33qJ0RkEAMSyolHqnMQlsP+x
        UmIrh5QFfO++LzUKpdOj3wgtofHCfAy/avYcyjdM2JioUEJrwyqe8Bc3jpwm79oI
        Ik8zDDPIxvhsblhoaxfozEA3QigY8QCZyQFDOGVbbuQF/IpampZ5KJHo7JOptCH8
        EYhebB9RumW8gMib7EyDzrCREh230g4PKy0Du6rFXe9I8kBP5UpUp1/S/MdZXVjS
        m89AAKLSUwDSMnhENFAoeD9gRQdhSDcMT8gjEQIDAQABAoIBAAXJyFA79hjbs7M5
        Yv0TXp+nEWLyDAi5tmeGhJg+MW84fJaiJmn6O/kEqJr1hhOaWcU6VvsOfN4LAyTD
        6M8UY2Yugneo0bllXB87piRkL8xloqdshd4iF13ApOvQZNpgwVKloqj/qKon1ejW
        LoQeDYffK4AAu3gUYSuCsvZ+rmhlmeLmXXtjgjzl262P2Viid9dbnFA72UC9iz3Y
        DU4Yzxh1fZjqnEQIkfhlVRfvWkP5P+tMiOt7kTE2sn0Fqsap7oHji2QNQDr/m1dJ
        JWj0qGg8z3bBT1XJQvnX55jm0B2kmjPi2uQiWN1vDuMuEHwlPZ4hlXhY/nRu+yxH
        0avV78kCgYEA83/SMQ/Ec+1cDNYBZDGO7oyzpF3IOBJfS540NDMPFPYVqqfGLjib
        ixPGxj0gKhw3WOuFP3DrjDjnflK2X4Fz2XfjlJ4ApzBgywAyVmYpmv+k5rkxLFZi
        pZz+LPc/h0YPvy0oKbknuJsTMjstgQg7WSlA5DlCX6A+v2vsntivR8MCgYEA6oGN
        9E/ou6Wz0k6Qos7tu2zf85IR0IjHGUhEck7hCqTE/pcd3ZbZVac62irmhp4OdTq+
        0ucwCZPf3Hqg163Wo/l4S+BonuF2IBDoKT/vbzkUdz7EnwC7ISJuqQWQo1p8N3fI
        ehKJeS36JtS/MlM5I+/79WEJ08WVaUW2ahrukJsCgYEA44i1qRLKyGkscvInKrEE
        lvTziMv5pCvG0KpsrbpohXXOmUFddyN+dV9thyDnRXJIZdbvFHE4KjeiWfCAao5U
        6wmUp/NdON2EFS2B3CprBmOMe+zhfkTauVcSTIJd4tIdNM/Fj/dsnpyKO44A32oJ
        yy85bAn1c9YRzF3VJjnk0HECgYAzEJkXzVrRmcipkCAgw8yy1oeB45nrfg1U7Q6y
        kYihp7WZ9tAzE4kqBKtlHJhsUfi2AF/TTzJ/s2q4+R8TODCYLlfKtggyKMhvPR9A
        9EIwRw601L8+HIujMHtGZQbU+3w3G+dU5bp339IsKIGl9MdpkvWbvlDEg68AaITL
        YCf45wKBgQCSPoc+o7K1oigg9mEfcuCkjq5PyE9mOyzR4x63dgRN8SqUoTMeHqqX
        714WbjI8G2+MP1R79WeLw0O1VtSyOPxx4feYGChSenqEiwEG87/JSJKhqdaCOyAz
        xPc60BXZFJx7wYvd/BJ2+tOFh8GioUUHYuicuU9yldVdxzdI+JYedw==
        -----END RSA PRIVATE KEY-----
        """

    static let rsaClientKeyPKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDfDhCPi72wlzch
        +4QiRjOihm2wCK1s8euDgCsqd6wd/l2Y2R7T14ziFuyTCUm6a2IulI21KDri+twj
        /AWrFL6n4GLfeonRGQQAxLKiUeqcxCWw/7FSYiuHlAV8774vNQql06PfCC2h8cJ8
        DL9q9hzKN0zYmKhQQmvDKp7wFzeOnCbv2ggiTzMMM8jG+GxuWGhrF+jMQDdCKBjx
        AJnJAUM4ZVtu5AX8ilqalnkokejsk6m0IfwRiF5sH1G6ZbyAyJvsTIPOsJESHbfS
        Dg8rLQO7qsVd70jyQE/lSlSnX9L8x1ldWNKbz0AAotJTANIyeEQ0UCh4P2BFB2FI
        NwxPyCMRAgMBAAECggEABcnIUDv2GNuzszli/RNen6cRYvIMCLm2Z4aEmD4xbzh8
        lqImafo7+QSomvWGE5pZxTpW+w583gsDJMPozxRjZi6Cd6jRuWVcHzumJGQvzGWi
        p2yF3iIXXcCk69Bk2mDBUqWiqP+oqifV6NYuhB4Nh98rgAC7eBRhK4Ky9n6uaGWZ
        4uZde2OCPOXbrY/ZWKJ311ucUDvZQL2LPdgNThjPGHV9mOqcRAiR+GVVF+9aQ/k/
        60yI63uRMTayfQWqxqnugeOLZA1AOv+bV0klaPSoaDzPdsFPVclC+dfnmObQHaSa
        M+La5CJY3W8O4y4QfCU9niGVeFj+dG77LEfRq9XvyQKBgQDzf9IxD8Rz7VwM1gFk
        MY7ujLOkXcg4El9LnjQ0Mw8U9hWqp8YuOJuLE8bGPSAqHDdY64U/cOuMOOd+UrZf
        gXPZd+OUngCnMGDLADJWZima/6TmuTEsVmKlnP4s9z+HRg+/LSgpuSe4mxMyOy2B
        CDtZKUDkOUJfoD6/a+ye2K9HwwKBgQDqgY30T+i7pbPSTpCizu27bN/zkhHQiMcZ
        SERyTuEKpMT+lx3dltlVpzraKuaGng51Or7S5zAJk9/ceqDXrdaj+XhL4Gie4XYg
        EOgpP+9vORR3PsSfALshIm6pBZCjWnw3d8h6Eol5Lfom1L8yUzkj7/v1YQnTxZVp
        RbZqGu6QmwKBgQDjiLWpEsrIaSxy8icqsQSW9POIy/mkK8bQqmytumiFdc6ZQV13
        I351X22HIOdFckhl1u8UcTgqN6JZ8IBqjlTrCZSn81043YQVLYHcKmsGY4x77OF+
        RNq5VxJMgl3i0h00z8WP92yenIo7jgDfagnLLzlsCfVz1hHMXdUmOeTQcQKBgDMQ
        mRfNWtGZyKmQICDDzLLWh4Hjmet+DVTtDrKRiKGntZn20DMTiSoEq2UcmGxR+LYA
        X9NPMn+zarj5HxM4MJguV8q2CDIoyG89H0D0QjBHDrTUvz4ci6Mwe0ZlBtT7fDcb
        51Tlunff0iwogaX0x2mS9Zu+UMSDrwBohMtgJ/jnAoGBAJI+hz6jsrWiKCD2YR9y
        4KSOrk/IT2Y7LNHjHrd2BE3xKpShMx4eqpfvXhZuMjwbb4w/VHv1Z4vDQ7VW1LI4
        /HHh95gYKFJ6eoSLAQbzv8lIkqGp1oI7IDPE9zrQFdkUnHvBi938Enb604WHwaKh
        RQdi6Jy5T3KV1V3HN0j4lh53
        -----END PRIVATE KEY-----
        """

}
