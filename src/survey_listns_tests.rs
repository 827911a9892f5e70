//! Tests of survey_listns: listns(2)'s pages, laid out as
//! include/uapi/linux/nsfs.h describes them, turned into results.

use super::*;
use crate::types::{NS_ALL, NS_NET, NS_USER, NS_UTS};

/// A listns page as the kernel writes it: `n` native-endian u64 ids.
fn page_bytes(ids: &[u64]) -> Vec<u8> {
    ids.iter().flat_map(|i| i.to_ne_bytes()).collect()
}

/// Reads a page back as listns's caller does, into its u64 buffer.
fn fill(buf: &mut [u64], bytes: &[u8]) -> usize {
    let n = (bytes.len() / 8).min(buf.len());
    for (slot, chunk) in buf.iter_mut().zip(bytes.chunks_exact(8)).take(n) {
        *slot = u64::from_ne_bytes(chunk.try_into().unwrap());
    }
    n
}

/// The fixture: what listns(&{size 32, ns_id 0, ns_type 0}, ids, 1024,
/// 0) writes on a 6.19 system, laid out per include/uapi/linux/nsfs.h
/// (an array of __u64, little-endian as on x86_64): the eight initial
/// namespaces (fixed ids 1-8, enum init_ns_id), a user namespace alive
/// only as the next one's parent (4099), a container's user and net
/// namespaces (4100, 4101), and a uts namespace that only a descriptor
/// holds (4107). Constructed from the header, not captured: no kernel
/// here has listns.
#[rustfmt::skip]
const LISTNS_PAGE_LE: [u8; 96] = [
    0x01, 0, 0, 0, 0, 0, 0, 0, // IPC_NS_INIT_ID
    0x02, 0, 0, 0, 0, 0, 0, 0, // UTS_NS_INIT_ID
    0x03, 0, 0, 0, 0, 0, 0, 0, // USER_NS_INIT_ID
    0x04, 0, 0, 0, 0, 0, 0, 0, // PID_NS_INIT_ID
    0x05, 0, 0, 0, 0, 0, 0, 0, // CGROUP_NS_INIT_ID
    0x06, 0, 0, 0, 0, 0, 0, 0, // TIME_NS_INIT_ID
    0x07, 0, 0, 0, 0, 0, 0, 0, // NET_NS_INIT_ID
    0x08, 0, 0, 0, 0, 0, 0, 0, // MNT_NS_INIT_ID
    0x03, 0x10, 0, 0, 0, 0, 0, 0, // 4099
    0x04, 0x10, 0, 0, 0, 0, 0, 0, // 4100
    0x05, 0x10, 0, 0, 0, 0, 0, 0, // 4101
    0x0b, 0x10, 0, 0, 0, 0, 0, 0, // 4107
];

/// The fixture's page in this machine's byte order.
fn recorded_page() -> Vec<u8> {
    let ids: Vec<u64> = LISTNS_PAGE_LE
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    page_bytes(&ids)
}

/// What each id of the fixture opens to (open_by_handle_at, fstat,
/// NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_PARENT, NS_GET_OWNER_UID): the
/// initial namespaces' inode numbers are enum init_ns_ino's.
fn resolutions() -> HashMap<u64, Resolved> {
    const INIT_USER: u64 = 0xEFFF_FFFD;
    let r = |ns_type, ino, userns_id, parent_id, owner_uid| Resolved {
        ns_type,
        ino,
        userns_id,
        parent_id,
        owner_uid,
    };
    HashMap::from([
        (1, r(NsType::Ipc.bit(), 0xEFFF_FFFF, INIT_USER, 0, 0)),
        (2, r(NS_UTS, 0xEFFF_FFFE, INIT_USER, 0, 0)),
        (3, r(NS_USER, INIT_USER, 0, 0, 0)),
        (4, r(NsType::Pid.bit(), 0xEFFF_FFFC, INIT_USER, 0, 0)),
        (5, r(NsType::Cgroup.bit(), 0xEFFF_FFFB, INIT_USER, 0, 0)),
        (6, r(NsType::Time.bit(), 0xEFFF_FFFA, INIT_USER, 0, 0)),
        (7, r(NS_NET, 0xEFFF_FFF9, INIT_USER, 0, 0)),
        (8, r(NsType::Mnt.bit(), 0xEFFF_FFF8, INIT_USER, 0, 0)),
        (4099, r(NS_USER, 4026532300, INIT_USER, INIT_USER, 1000)),
        (4100, r(NS_USER, 4026532301, 4026532300, 4026532300, 1000)),
        (4101, r(NS_NET, 4026532305, 4026532301, 0, 1000)),
        (4107, r(NS_UTS, 4026532310, INIT_USER, 0, 0)),
    ])
}

/// The fixture's ids, read through collect_ids from a fake listns that
/// serves the recorded page (the ids past the request's cursor).
fn recording() -> (Vec<u64>, HashMap<u64, Resolved>) {
    let recorded = recorded_page();
    let ids = collect_ids(0, |req, buf| {
        assert_eq!(req.to_bytes(), NsIdReq::new(0, 0).to_bytes());
        Ok(fill(buf, &recorded))
    })
    .unwrap();
    (ids, resolutions())
}

#[test]
fn requests_are_laid_out_as_the_uapi_header() {
    let b = NsIdReq::new(NS_NET as u32, 4101).to_bytes();
    assert_eq!(&b[0..4], &32u32.to_ne_bytes());
    assert_eq!(&b[4..8], &[0; 4]);
    assert_eq!(&b[8..16], &4101u64.to_ne_bytes());
    assert_eq!(&b[16..20], &(NS_NET as u32).to_ne_bytes());
    assert_eq!(&b[20..32], &[0; 12]);
}

#[test]
fn pages_are_followed_to_the_end() {
    let (ids, _) = recording();
    assert_eq!(ids, vec![1, 2, 3, 4, 5, 6, 7, 8, 4099, 4100, 4101, 4107]);
    // The same recording in pages of 5: three calls, each after the
    // last id of the one before.
    let recorded = recorded_page();
    let mut cursors = Vec::new();
    let out = collect_ids_paged(0, 5, |req, buf| {
        cursors.push(req.ns_id);
        let rest: Vec<u8> = recorded
            .chunks_exact(8)
            .filter(|c| u64::from_ne_bytes((*c).try_into().unwrap()) > req.ns_id)
            .flatten()
            .copied()
            .collect();
        Ok(fill(buf, &rest))
    })
    .unwrap();
    assert_eq!(out, ids);
    assert_eq!(cursors, vec![0, 5, 4100]);
}

#[test]
fn a_full_page_continues_after_its_last_id() {
    // 2500 ids: pages of 1024, 1024, 452.
    let ids: Vec<u64> = (1..=2500).collect();
    let recorded = page_bytes(&ids);
    let mut cursors = Vec::new();
    let got = collect_ids(0, |req, buf| {
        cursors.push(req.ns_id);
        let start = req.ns_id as usize * 8;
        Ok(fill(buf, &recorded[start.min(recorded.len())..]))
    })
    .unwrap();
    assert_eq!(got, ids);
    assert_eq!(cursors, vec![0, 1024, 2048]);
}

#[test]
fn enoent_on_a_continuation_starts_over_with_bigger_pages() {
    let ids: Vec<u64> = (1..=1500).collect();
    let recorded = page_bytes(&ids);
    let mut calls = Vec::new();
    let got = collect_ids(0, |req, buf| {
        calls.push((req.ns_id, buf.len()));
        if req.ns_id != 0 {
            return Err(io::Error::from_raw_os_error(libc::ENOENT));
        }
        Ok(fill(buf, &recorded))
    })
    .unwrap();
    assert_eq!(got, ids);
    assert_eq!(calls, vec![(0, 1024), (1024, 1024), (0, 2048)]);
    // ENOENT on the first call is the kernel's answer, not a quirk.
    let e = collect_ids(0, |_, _| Err(io::Error::from_raw_os_error(libc::ENOENT)));
    assert_eq!(e.unwrap_err().raw_os_error(), Some(libc::ENOENT));
}

#[test]
fn ids_out_of_order_are_refused() {
    let e = collect_ids(0, |_, buf| Ok(fill(buf, &page_bytes(&[5, 3]))));
    assert_eq!(e.unwrap_err().raw_os_error(), Some(libc::EIO));
}

#[test]
fn the_recording_assembles_into_the_results() {
    let (ids, table) = recording();
    let info = |t, id| ns_info {
        id,
        r#type: t,
        ..Default::default()
    };
    // /proc: the initial uts namespace with 87 processes, lowest pid 1;
    // the container's net with 2 from pid 4242; and a net namespace
    // born after listns ran.
    let procs = HashMap::from([
        (
            (NS_UTS, 0xEFFF_FFFE),
            ns_info {
                nprocs: 87,
                pid: 1,
                ..info(NS_UTS, 0xEFFF_FFFE)
            },
        ),
        (
            (NS_NET, 4026532305),
            ns_info {
                nprocs: 2,
                pid: 4242,
                ..info(NS_NET, 4026532305)
            },
        ),
        (
            (NS_NET, 4026532400),
            ns_info {
                nprocs: 1,
                pid: 5000,
                ..info(NS_NET, 4026532400)
            },
        ),
    ]);
    let (out, missing) = assemble(&ids, &table, &procs, NS_ALL);
    assert_eq!(out.len(), 12);
    let sorted = out
        .windows(2)
        .all(|w| (w[0].r#type, w[0].id) < (w[1].r#type, w[1].id));
    assert!(sorted);
    let find = |t, id| out.iter().find(|i| i.r#type == t && i.id == id).copied();
    assert_eq!(
        find(NS_UTS, 0xEFFF_FFFE),
        Some(ns_info {
            userns_id: 0xEFFF_FFFD,
            nprocs: 87,
            pid: 1,
            ..info(NS_UTS, 0xEFFF_FFFE)
        })
    );
    // Held only by a descriptor, and alive only as a parent: no
    // process, pid 0.
    assert_eq!(
        find(NS_UTS, 4026532310),
        Some(ns_info {
            userns_id: 0xEFFF_FFFD,
            ..info(NS_UTS, 4026532310)
        })
    );
    assert_eq!(
        find(NS_USER, 4026532300),
        Some(ns_info {
            userns_id: 0xEFFF_FFFD,
            parent_id: 0xEFFF_FFFD,
            owner_uid: 1000,
            ..info(NS_USER, 4026532300)
        })
    );
    assert_eq!(
        find(NS_NET, 4026532305),
        Some(ns_info {
            userns_id: 4026532301,
            nprocs: 2,
            pid: 4242,
            owner_uid: 1000,
            ..info(NS_NET, 4026532305)
        })
    );
    assert_eq!(missing, vec![(NS_NET, 4026532400)]);
}

#[test]
fn assembly_filters_types_and_skips_what_did_not_resolve() {
    let (mut ids, mut table) = recording();
    table.remove(&4107); // gone between listns and the open
    ids.push(4107);
    ids.push(4101); // a repeated id counts once
    let (out, missing) = assemble(&ids, &table, &HashMap::new(), NS_NET | NS_UTS);
    let keys: Vec<Key> = out.iter().map(|i| (i.r#type, i.id)).collect();
    assert_eq!(
        keys,
        vec![
            (NS_UTS, 0xEFFF_FFFE),
            (NS_NET, 0xEFFF_FFF9),
            (NS_NET, 4026532305)
        ]
    );
    assert!(missing.is_empty());
}
