//! Checker throughput on one 40-mapping file against the ExperienceEvent + Commerce
//! composition (schema loaded once, as in a run). Run: `cargo bench -p flowc-check --bench check`

use flowc_check::{Session, Settings};
use std::path::Path;

fn main() {
    divan::main();
}

const FILE: &str = r#"source {
  columns {
    EventId: string
    EventTime: string as date-time
    Channel: string
    Total: double as number
    Currency: string
    Sku: string
    Quantity: long
  }
}

target {
  xdm_dir = "../../fixtures/xdm/components"
  class = "https://ns.adobe.com/xdm/context/experienceevent"
  field_groups = ["https://ns.adobe.com/xdm/context/experienceevent-commerce"]
}

mapping {
  _id = EventId
  timestamp = EventTime
"#;

/// 38 string leaves of the composition.
const DESTINATIONS: [&str; 38] = [
    "commerce.billing.address._id",
    "commerce.billing.address._repo.lastPublishedTime",
    "commerce.billing.address._schema.description",
    "commerce.billing.address.city",
    "commerce.billing.address.country",
    "commerce.billing.address.countryCode",
    "commerce.billing.address.createdByBatchID",
    "commerce.billing.address.label",
    "commerce.billing.address.modifiedByBatchID",
    "commerce.billing.address.postOfficeBox",
    "commerce.billing.address.postalCode",
    "commerce.billing.address.region",
    "commerce.billing.address.repositoryCreatedBy",
    "commerce.billing.address.repositoryLastModifiedBy",
    "commerce.billing.address.state",
    "commerce.billing.address.stateProvince",
    "commerce.billing.address.status",
    "commerce.billing.address.statusReason",
    "commerce.billing.address.street1",
    "commerce.billing.address.street2",
    "commerce.billing.address.street3",
    "commerce.billing.address.street4",
    "commerce.cart.cartID",
    "commerce.cart.cartSource",
    "commerce.commerceScope.environmentID",
    "commerce.commerceScope.storeCode",
    "commerce.commerceScope.storeViewCode",
    "commerce.commerceScope.websiteCode",
    "commerce.order.currencyCode",
    "commerce.order.orderType",
    "commerce.order.purchaseID",
    "commerce.order.purchaseOrderNumber",
    "commerce.order.returns.purchaseID",
    "commerce.order.returns.returnID",
    "commerce.order.returns.returnStatus",
    "commerce.promotionID",
    "commerce.requisitionList.ID",
    "commerce.requisitionList.description",
];

fn flow_file() -> String {
    let mut src = FILE.to_owned();
    let expressions = [
        "Channel",
        "lower(trim(Channel))",
        "concat(EventId, \"-\", Sku)",
        "iif(Currency == null, \"USD\", upper(Currency))",
    ];
    for (i, dest) in DESTINATIONS.iter().enumerate() {
        src.push_str(&format!("  {dest} = {}\n", expressions[i % expressions.len()]));
    }
    src.push_str("}\n");
    src
}

#[divan::bench]
fn check_40_mappings(bencher: divan::Bencher) {
    let session = Session::new();
    let src = flow_file();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Warm the schema cache as the first file of a run would.
    let (_, warm) = flowc_check::check_source(&session, src.as_bytes(), None, dir, &Settings::default());
    assert!(warm.diagnostics.is_empty(), "the bench file must be clean: {:#?}", warm.diagnostics);
    bencher.counter(divan::counter::ItemsCount::new(40usize)).bench(|| {
        flowc_check::check_source(&session, divan::black_box(src.as_bytes()), None, dir, &Settings::default())
    });
}
