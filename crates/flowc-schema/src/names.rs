//! Source-form property names (JSON-LD style) to Schema Registry (XED) path segments.
//!
//! The rules are those of the XDM repository's NAMESPACES.md: `@id` → `_id`, the `xdm:`
//! prefix is dropped, any other prefix `p:x` becomes field `x` of an object `_p`, and a
//! URI-named field `https://ns.adobe.com/vendor/a/b` becomes `_vendor.a.b`. Registry names
//! have none of `@`, `:` or `/`, so converting them again changes nothing.

/// The registry segments for `raw`; empty for names that are JSON-LD machinery, not data.
pub(crate) fn segments(raw: &str) -> Vec<String> {
    if raw == "@context" {
        return Vec::new();
    }
    if let Some(rest) = raw.strip_prefix('@') {
        return vec![format!("_{rest}")];
    }
    if let Some(scheme_end) = raw.find("://") {
        let after_scheme = &raw[scheme_end + 3..];
        // Drop the host; the path (and a fragment, if any) name the namespace and field.
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i + 1..]);
        let mut parts: Vec<&str> = path.split(['/', '#']).filter(|p| !p.is_empty()).collect();
        if parts.first() == Some(&"xdm") {
            parts.remove(0);
            return if parts.is_empty() { vec![raw.to_owned()] } else { own(parts) };
        }
        return match parts.split_first() {
            Some((ns, rest)) => {
                let mut out = vec![format!("_{ns}")];
                out.extend(rest.iter().map(|s| (*s).to_owned()));
                out
            }
            None => vec![raw.to_owned()],
        };
    }
    if let Some((prefix, name)) = raw.split_once(':') {
        if prefix == "xdm" {
            return vec![name.to_owned()];
        }
        if !prefix.is_empty() && !name.is_empty() {
            return vec![format!("_{prefix}"), name.to_owned()];
        }
    }
    vec![raw.to_owned()]
}

/// Names that [`segments`] returns unchanged (as the only segment): the common case, and
/// every name of a registry-form schema.
pub(crate) fn is_plain(raw: &str) -> bool {
    !raw.starts_with('@') && !raw.contains(':')
}

fn own(parts: Vec<&str>) -> Vec<String> {
    parts.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::segments;

    fn joined(raw: &str) -> String {
        segments(raw).join(".")
    }

    #[test]
    fn converts_source_names_to_registry_names() {
        assert_eq!(joined("@id"), "_id");
        assert_eq!(joined("xdm:timestamp"), "timestamp");
        assert_eq!(joined("repo:createDate"), "_repo.createDate");
        assert_eq!(joined("schema:latitude"), "_schema.latitude");
        assert_eq!(joined("acme:loyaltyTier"), "_acme.loyaltyTier");
        assert_eq!(joined("https://ns.adobe.com/vendora/product/stockNumber"), "_vendora.product.stockNumber");
        assert_eq!(joined("https://ns.adobe.com/xdm/sku"), "sku");
        assert!(segments("@context").is_empty());
        for name in ["@id", "xdm:x", "repo:x", "https://ns.adobe.com/a/b", "@context"] {
            assert!(!super::is_plain(name), "{name}");
        }
    }

    #[test]
    fn registry_names_are_kept() {
        for name in ["_id", "_acme", "_{TENANT_ID}", "SKU", "component_id", "productListItems"] {
            assert!(super::is_plain(name));
            assert_eq!(segments(name), vec![name.to_owned()]);
        }
    }
}
