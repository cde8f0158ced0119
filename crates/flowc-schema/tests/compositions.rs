//! Real XDM compositions from `fixtures/xdm` (source form) and their registry-form twins in
//! `fixtures/schema`. Facts asserted here were checked by hand against the source files.

use flowc_schema::{SchemaIndex, XdmType, load_registry_file, load_source};
use serde_json::json;
use std::collections::BTreeMap;

const XDM: &str = "../../fixtures/xdm";
const SCHEMAS: &str = "../../fixtures/schema";

const EXPERIENCE_EVENT: &str = "https://ns.adobe.com/xdm/context/experienceevent";
const EE_COMMERCE: &str = "https://ns.adobe.com/xdm/context/experienceevent-commerce";
const EE_ORDER: &str = "https://ns.adobe.com/xdm/context/experienceevent-order-details";
const PROFILE: &str = "https://ns.adobe.com/xdm/context/profile";
const PERSON_DETAILS: &str = "https://ns.adobe.com/xdm/context/profile-person-details";
const PERSONAL_DETAILS: &str = "https://ns.adobe.com/xdm/context/profile-personal-details";
const PRODUCT: &str = "https://ns.adobe.com/xdm/classes/product";
const PRODUCT_MEASUREMENT: &str = "https://ns.adobe.com/xdm/mixins/product-measurement";

/// Loads a composition that must load without any diagnostic, warnings included.
fn source(class: &str, field_groups: &[&str]) -> SchemaIndex {
    let loaded = load_source(XDM, class, field_groups);
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render_plain()).collect();
    assert!(rendered.is_empty(), "unexpected diagnostics:\n{}", rendered.join(""));
    loaded.index.expect("index")
}

fn registry(name: &str) -> SchemaIndex {
    let loaded = load_registry_file(format!("{SCHEMAS}/{name}"));
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render_plain()).collect();
    assert!(rendered.is_empty(), "unexpected diagnostics:\n{}", rendered.join(""));
    loaded.index.expect("index")
}

fn experience_event() -> SchemaIndex {
    source(EXPERIENCE_EVENT, &[EE_COMMERCE, EE_ORDER])
}

fn profile() -> SchemaIndex {
    source(PROFILE, &[PERSON_DETAILS, PERSONAL_DETAILS])
}

fn product() -> SchemaIndex {
    source(PRODUCT, &[PRODUCT_MEASUREMENT])
}

#[test]
fn snapshot_experienceevent_commerce_order_details() {
    insta::assert_snapshot!("experienceevent_commerce_order_details", experience_event().paths_tsv());
}

#[test]
fn snapshot_profile_person_personal_details() {
    insta::assert_snapshot!("profile_person_personal_details", profile().paths_tsv());
}

#[test]
fn snapshot_product_measurement() {
    insta::assert_snapshot!("product_measurement", product().paths_tsv());
}

#[test]
fn experience_event_requires_id_and_timestamp() {
    let ee = experience_event();
    // experienceevent.schema.json: "required": ["@id", "xdm:timestamp"]; the fields come
    // from time-series.schema.json.
    let ts = ee.get("timestamp").unwrap();
    assert_eq!((ts.xdm_type, ts.required), (XdmType::DateTime, true));
    assert_eq!(ts.schema.as_deref(), Some("https://ns.adobe.com/xdm/data/time-series"));
    let id = ee.get("_id").unwrap();
    assert_eq!((id.xdm_type, id.required, id.format.as_deref()), (XdmType::String, true, Some("uri-reference")));
    let top_required: Vec<&str> = ee.required_children("").unwrap().iter().map(|f| f.path.as_str()).collect();
    assert_eq!(top_required, ["_id", "timestamp"]);
    assert!(!ee.get("eventType").unwrap().required);
}

#[test]
fn product_list_item_sku_is_a_required_string_of_the_item() {
    let ee = experience_event();
    let list = ee.get("productListItems").unwrap();
    assert_eq!((list.xdm_type, list.required), (XdmType::Array, false));
    assert_eq!(list.title.as_deref(), Some("Product list items"));
    let item = ee.element(list).unwrap();
    assert_eq!((item.path.as_str(), item.xdm_type), ("productListItems[*]", XdmType::Object));
    let sku = ee.get("productListItems[*].SKU").unwrap();
    assert_eq!((sku.xdm_type, sku.required), (XdmType::String, true));
    assert_eq!(ee.parent(sku).map(|p| p.path.as_str()), Some("productListItems[*]"));
    // The array and its items report the same required children.
    let names = |v: Vec<&flowc_schema::Field>| v.into_iter().map(|f| f.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(ee.required_children("productListItems").unwrap()), ["SKU"]);
    assert_eq!(names(ee.required_children("productListItems[*]").unwrap()), ["SKU"]);
    // selectedOption requires both of its fields.
    assert_eq!(names(ee.required_children("productListItems[*].selectedOptions[*]").unwrap()), ["attribute", "value"]);
}

#[test]
fn product_list_item_details() {
    let ee = experience_event();
    // `xdm:quantity` is an integer with no bounds: long.
    assert_eq!(ee.get("productListItems[*].quantity").unwrap().xdm_type, XdmType::Long);
    let currency = ee.get("productListItems[*].currencyCode").unwrap();
    assert_eq!(currency.constraints.pattern.as_deref(), Some("^[A-Z]{3}$"));
    // `@id` of the item becomes `_id`, `xdm:product` keeps its uri format.
    assert_eq!(ee.get("productListItems[*].product").unwrap().format.as_deref(), Some("uri"));
    assert!(ee.get("productListItems[*]._id").is_some());
    // productlistitem's allOf pulls `uomcode` out of the product-measurement field group.
    let uom = ee.get("productListItems[*].unitOfMeasureCode").unwrap();
    assert_eq!(uom.schema.as_deref(), Some("https://ns.adobe.com/xdm/mixins/product-measurement"));
    // Arrays nested in the item.
    assert_eq!(ee.get("productListItems[*].productCategories[*].categoryID").unwrap().xdm_type, XdmType::String);
}

#[test]
fn identity_map_is_a_map_of_identity_item_arrays() {
    let ee = experience_event();
    let map = ee.get("identityMap").unwrap();
    assert_eq!(map.xdm_type, XdmType::Map);
    let values = ee.element(map).unwrap();
    assert_eq!((values.path.as_str(), values.xdm_type), ("identityMap.*", XdmType::Array));
    let item = ee.element(values).unwrap();
    assert_eq!(item.xdm_type, XdmType::Object);
    let fields: Vec<(&str, XdmType)> = ee.children(&item.path).unwrap().map(|f| (f.name(), f.xdm_type)).collect();
    assert_eq!(
        fields,
        [("authenticatedState", XdmType::String), ("id", XdmType::String), ("primary", XdmType::Boolean)]
    );
    let state = ee.resolve("identityMap.ECID[0].authenticatedState").unwrap();
    assert_eq!(
        state.constraints.enum_values,
        Some(vec![json!("ambiguous"), json!("authenticated"), json!("loggedOut")])
    );
    assert_eq!(state.default, Some(json!("ambiguous")));
    assert_eq!(ee.resolve("identityMap.Email[3].primary").unwrap().default, Some(json!(false)));
    // The map is one leaf; its values are not listed as paths.
    assert!(ee.leaves().any(|f| f.path == "identityMap"));
    assert!(!ee.leaves().any(|f| f.path.starts_with("identityMap.")));
}

#[test]
fn meta_enum_is_labels_not_a_constraint() {
    let ee = experience_event();
    let produced_by = ee.get("producedBy").unwrap();
    assert_eq!(produced_by.constraints.enum_values, None);
    let labels: Vec<&str> = produced_by.constraints.enum_labels.iter().map(|l| l.value.as_str()).collect();
    assert_eq!(labels, ["self", "system", "salesRef", "customerRep"]);
    assert_eq!(produced_by.default, Some(json!("self")));
    let event_type = ee.get("eventType").unwrap();
    assert_eq!(event_type.constraints.enum_values, None);
    assert!(
        event_type
            .constraints
            .enum_labels
            .iter()
            .any(|l| l.value == "commerce.purchases" && l.label == "Commerce Purchases")
    );
}

#[test]
fn extensible_context_contributes_no_fields() {
    for index in [experience_event(), profile(), product()] {
        assert!(!index.fields().any(|f| f.path.contains("context") || f.path.contains("@")), "a JSON-LD field leaked");
    }
}

#[test]
fn person_details() {
    let p = profile();
    let year = p.get("person.birthYear").unwrap();
    // person.schema.json: integer, minimum 1, maximum 32767: a short.
    assert_eq!(year.xdm_type, XdmType::Short);
    assert_eq!(
        (
            year.constraints.minimum.as_ref().and_then(|n| n.as_i64()),
            year.constraints.maximum.as_ref().and_then(|n| n.as_i64())
        ),
        (Some(1), Some(32767))
    );
    assert_eq!(year.title.as_deref(), Some("Birth year"));
    assert_eq!(p.get("person.birthDate").unwrap().xdm_type, XdmType::Date);
    let gender = p.get("person.gender").unwrap();
    assert_eq!(gender.constraints.enum_values.as_ref().map(Vec::len), Some(4));
    assert_eq!(gender.default, Some(json!("not_specified")));
    assert_eq!(p.get("person.nationality").unwrap().constraints.pattern.as_deref(), Some("^[A-Z]{2}$"));
    // `xdm:name` is a person-name data type with a title set beside its `$ref`.
    let name = p.get("person.name").unwrap();
    assert_eq!((name.xdm_type, name.title.as_deref()), (XdmType::Object, Some("Full name")));
    assert!(p.get("person.name.firstName").is_some());
}

#[test]
fn repo_namespace_becomes_an_object() {
    let p = profile();
    // auditable.schema.json pulls `repo:createDate` from common.schema.json's date-properties.
    assert_eq!(p.get("_repo").unwrap().xdm_type, XdmType::Object);
    let created = p.get("_repo.createDate").unwrap();
    assert_eq!((created.xdm_type, created.required), (XdmType::DateTime, false));
    assert_eq!(created.schema.as_deref(), Some("http://ns.adobe.com/adobecloud/core/1.0"));
    // Only date-properties are referenced, not common-properties.
    assert!(p.get("_repo.name").is_none());
    // `schema:latitude` in address → `_schema.latitude`; numbers keep their bounds and type.
    let lat = p.get("homeAddress._schema.latitude").unwrap();
    assert_eq!(lat.xdm_type, XdmType::Number);
    assert_eq!(lat.constraints.minimum.as_ref().and_then(|n| n.as_i64()), Some(-90));
}

#[test]
fn phone_number_constraints() {
    let p = profile();
    let cc = p.get("mobilePhone.countryCode").unwrap();
    assert_eq!((cc.constraints.min_length, cc.constraints.max_length), (Some(1), Some(3)));
    assert_eq!(cc.constraints.pattern.as_deref(), Some("^[0-9]{1,3}?$"));
    assert_eq!(p.get("homeAddress.postOfficeBox").unwrap().constraints.max_length, Some(20));
}

#[test]
fn product_class() {
    let pr = product();
    assert_eq!(pr.id(), Some(PRODUCT));
    assert_eq!(pr.title(), Some("Product"));
    assert_eq!(pr.get("productListPrice.currencyCode").unwrap().constraints.pattern.as_deref(), Some("^[A-Z]{3}$"));
    assert_eq!(pr.get("productRating").unwrap().xdm_type, XdmType::Number);
    assert_eq!(pr.get("productSize").unwrap().schema.as_deref(), Some(PRODUCT_MEASUREMENT));
    assert_eq!(pr.get("_id").map(|f| f.required), Some(false));
}

/// (path, type, required) of every leaf, for comparing twins.
fn leaves(index: &SchemaIndex) -> BTreeMap<String, (XdmType, bool)> {
    index.leaves().map(|f| (f.path.clone(), (f.xdm_type, f.required))).collect()
}

fn assert_twins(source_form: &SchemaIndex, registry_form: &SchemaIndex) {
    let src = leaves(source_form);
    let mut reg = leaves(registry_form);
    let tenant: Vec<String> = reg.keys().filter(|p| p.starts_with("_acme.")).cloned().collect();
    assert!(!tenant.is_empty(), "the twin has tenant fields");
    for p in &tenant {
        reg.remove(p);
    }
    assert_eq!(reg, src);
    // Objects agree too (not only leaves), and so do titles.
    for f in source_form.fields() {
        let twin = registry_form.get(&f.path).unwrap_or_else(|| panic!("{} missing in the twin", f.path));
        assert_eq!((twin.xdm_type, twin.required, &twin.title), (f.xdm_type, f.required, &f.title), "{}", f.path);
    }
}

#[test]
fn registry_twin_of_profile_indexes_the_same_paths_plus_tenant_fields() {
    let twin = registry("profile.xed.json");
    assert_twins(&profile(), &twin);
    assert_eq!(twin.tenant(), Some("_acme"));
    let tier = twin.get("_acme.loyalty.tier").unwrap();
    assert_eq!((tier.xdm_type, tier.required), (XdmType::String, true));
    assert_eq!(twin.get("_acme.loyalty.points").unwrap().xdm_type, XdmType::Int);
    assert_eq!(twin.get("_acme.loyalty.memberSince").unwrap().xdm_type, XdmType::Date);
}

#[test]
fn registry_twin_of_experience_event_indexes_the_same_paths_plus_tenant_fields() {
    let twin = registry("experienceevent.xed.json");
    assert_twins(&experience_event(), &twin);
    assert_eq!(twin.get("identityMap").unwrap().xdm_type, XdmType::Map);
    assert_eq!(twin.resolve("identityMap.ECID[0].id").unwrap().path, "identityMap.*[*].id");
    assert_eq!(twin.get("_acme.basketSize").unwrap().xdm_type, XdmType::Short);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SchemaIndex>();
    send_sync::<flowc_schema::Loaded>();
}

#[test]
fn registry_twin_of_product_indexes_the_same_paths_plus_tenant_fields() {
    let twin = registry("product.xed.json");
    assert_twins(&product(), &twin);
    assert_eq!(twin.get("_acme.tags[*]").unwrap().xdm_type, XdmType::String);
    assert_eq!(twin.get("_acme.warehouseStock").unwrap().xdm_type, XdmType::Long);
}

#[test]
fn xed_form_resolves_refs_from_files_beside_it() {
    let index = registry("xed/order-loyalty.xed.json");
    let tsv = index.paths_tsv();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(
        lines,
        [
            "_acme.loyalty.rewards[*].points\tint",
            "_acme.loyalty.rewards[*].redeemedAt\tdate-time",
            "_acme.loyalty.rewards[*].rewardID\tstring",
            "_acme.loyalty.tier\tstring",
            "_id\tstring",
            "lineCount\tshort",
            "orderTotal\tnumber",
            "timestamp\tdate-time",
        ]
    );
    assert!(index.get("timestamp").unwrap().required);
    assert!(index.get("_acme.loyalty.rewards[*].rewardID").unwrap().required);
    assert_eq!(index.title(), Some("Acme orders with loyalty"));
}

#[test]
fn tenant_prefix_hint() {
    let twin = registry("profile.xed.json");
    assert!(twin.resolve("loyalty.tier").is_none());
    let s = twin.suggest("loyalty.tier");
    assert_eq!(s.with_namespace.as_deref(), Some("_acme.loyalty.tier"));
    assert!(s.help().unwrap().starts_with("did you mean `_acme.loyalty.tier`?"));
}

#[test]
fn did_you_mean_by_segments() {
    let ee = experience_event();
    let nearest = |p: &str| ee.suggest(p).nearest;
    assert_eq!(nearest("productlistitems[*].sku").first().map(String::as_str), Some("productListItems[*].SKU"));
    assert_eq!(nearest("productListItems.SKU").first().map(String::as_str), Some("productListItems[*].SKU"));
    assert_eq!(nearest("comerce.order.priceTotl").first().map(String::as_str), Some("commerce.order.priceTotal"));
    assert_eq!(nearest("timestmp"), ["timestamp"]);
    assert_eq!(nearest("SKU").first().map(String::as_str), Some("productListItems[*].SKU"));
    assert!(nearest("completely.unrelated.thing").is_empty());
    assert_eq!(ee.suggest("timestmp").help().as_deref(), Some("did you mean `timestamp`?"));
}

#[test]
fn resolve_handles_indexes_and_rejects_what_is_not_there() {
    let ee = experience_event();
    assert_eq!(ee.resolve("productListItems[0].SKU").map(|f| f.path.as_str()), Some("productListItems[*].SKU"));
    assert_eq!(
        ee.resolve("productListItems[*].productCategories[2].categoryID").map(|f| f.xdm_type),
        Some(XdmType::String)
    );
    for missing in ["productListItems.SKU", "timestamp[0]", "timestamp.x", "nope", "", "identityMap[0]", "a..b"] {
        assert!(ee.resolve(missing).is_none(), "{missing}");
    }
    assert!(ee.get("productListItems[0].SKU").is_none(), "get is exact");
}

#[test]
fn children_in_sorted_order() {
    let ee = experience_event();
    let names: Vec<&str> = ee.children("commerce.order.payments[*]").unwrap().map(|f| f.name()).collect();
    assert_eq!(names, ["currencyCode", "paymentAmount", "paymentType", "transactionID"]);
    let top: Vec<&str> = ee.children("").unwrap().map(|f| f.name()).collect();
    let mut sorted = top.clone();
    sorted.sort();
    assert_eq!(top, sorted);
    assert!(ee.children("no.such.path").is_none());
}

#[test]
fn json_paths_carry_type_required_and_constraints() {
    let p = profile();
    let text = p.paths_json();
    assert!(text.starts_with("[\n  {\n    \"path\": "), "path comes first");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let year = json.as_array().unwrap().iter().find(|f| f["path"] == "person.birthYear").unwrap();
    assert_eq!(year["type"], "short");
    assert_eq!(year["required"], false);
    assert_eq!(year["minimum"], 1);
    assert_eq!(year["maximum"], 32767);
    assert_eq!(year["title"], "Birth year");
    let gender = json.as_array().unwrap().iter().find(|f| f["path"] == "person.gender").unwrap();
    assert_eq!(gender["enum"], json!(["male", "female", "not_specified", "non_specific"]));
    // Labels keep the order of the file.
    assert_eq!(gender["enumLabels"][0], json!({"label": "Male", "value": "male"}));
}

#[test]
fn describe_a_field() {
    let p = profile();
    let text = p.describe(p.get("person.birthYear").unwrap());
    assert!(text.starts_with("person.birthYear: short\n  required     no\n  title        Birth year\n"), "{text}");
    assert!(text.contains("\n  minimum      1\n  maximum      32767\n"), "{text}");
    let text = p.describe(p.get("mobilePhone").unwrap());
    assert!(text.contains("fields (* = required):\n"), "{text}");
    assert!(text.contains("\n      countryCode   string\n"), "{text}");
}
