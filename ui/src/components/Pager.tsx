import { Button, Group, Loader, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';

interface PagerProps {
  /** What the rows on screen are, e.g. "Showing 51–100 of 1,000". */
  label: string;
  /** The words on the two buttons: towards the start of the list, and away from it. */
  back?: string;
  forward?: string;
  canGoBack: boolean;
  canGoForward: boolean;
  onBack: () => void;
  onForward: () => void;
  /** While the next page loads, the rows on screen are the previous page's: say so, and do not page from them. */
  loading?: boolean;
}

/** Previous / next paging under a table, with what is on screen in words. */
export function Pager({
  label,
  back = 'Previous',
  forward = 'Next',
  canGoBack,
  canGoForward,
  onBack,
  onForward,
  loading = false,
}: PagerProps) {
  return (
    <Group gap="xs" wrap="nowrap">
      {loading && <Loader size="xs" aria-label="Loading the page" />}
      <Text size="sm">{label}</Text>
      <Button
        variant="default"
        size="xs"
        leftSection={<IconChevronLeft size={14} />}
        disabled={!canGoBack || loading}
        onClick={onBack}
      >
        {back}
      </Button>
      <Button
        variant="default"
        size="xs"
        rightSection={<IconChevronRight size={14} />}
        disabled={!canGoForward || loading}
        onClick={onForward}
      >
        {forward}
      </Button>
    </Group>
  );
}
